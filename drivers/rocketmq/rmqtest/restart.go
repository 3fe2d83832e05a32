package rmqtest

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"
	"time"
)

// Broker life cycle beyond StopBroker: restart on the same address and
// pause. StopBroker, RestartBroker, PauseBroker, ResumeBroker and Close
// must not run concurrently for the same broker (callers serialise them);
// clients may use the broker meanwhile.

// relistenFor is how long RestartBroker retries to bind the broker's old
// address while the port is still held (e.g. by a connection closing).
const relistenFor = 3 * time.Second

// RestartBroker brings stopped broker i back on its address with every
// topic, message and consumer offset it stored; only the client
// connections (and the group memberships made over them) are gone, as
// after a real broker restart. Restarting a running broker does nothing.
func (c *Cluster) RestartBroker(i int) error {
	if i < 0 || i >= len(c.brokers) {
		return errors.New("rmqtest: no such broker")
	}
	b := c.brokers[i]
	if !b.srv.isClosed() {
		return nil
	}
	ln, err := listenAgain(b.addr)
	if err != nil {
		return fmt.Errorf("rmqtest: restarting %s on %s: %w", b.name, b.addr, err)
	}
	s := &server{ln: ln, handle: b.handle, onDrop: b.dropConn, conns: map[*conn]struct{}{}, stop: make(chan struct{})}
	b.pause.resume() // a restarted broker is not paused
	b.srv = s        // before accept starts: handlers read b.srv
	s.wg.Add(1)
	go s.accept()
	return nil
}

// BrokerRunning reports whether broker i listens (not stopped). A paused
// broker is running.
func (c *Cluster) BrokerRunning(i int) bool {
	return i >= 0 && i < len(c.brokers) && !c.brokers[i].srv.isClosed()
}

// listenAgain binds addr, retrying for relistenFor while it is in use.
func listenAgain(addr string) (net.Listener, error) {
	deadline := time.Now().Add(relistenFor)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return ln, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// PauseBroker makes broker i stop answering, like a SIGSTOPped process:
// its connections stay open and new ones are accepted, but no request is
// handled (so none is answered) until ResumeBroker. Requests a broker was
// already handling finish (a waiting pull still answers after
// Config.PullWait). Pausing a paused or stopped broker does nothing.
func (c *Cluster) PauseBroker(i int) error {
	if i < 0 || i >= len(c.brokers) {
		return errors.New("rmqtest: no such broker")
	}
	c.brokers[i].pause.pause()
	return nil
}

// ResumeBroker lets paused broker i handle the requests that waited, in
// no particular order, and new ones. Resuming a running broker does
// nothing.
func (c *Cluster) ResumeBroker(i int) error {
	if i < 0 || i >= len(c.brokers) {
		return errors.New("rmqtest: no such broker")
	}
	c.brokers[i].pause.resume()
	return nil
}

// pauseGate holds requests while a broker is paused. The zero value is
// open. Safe for concurrent use.
type pauseGate struct {
	mu     sync.Mutex
	closed chan struct{} // non-nil while paused; closed by resume
}

func (g *pauseGate) pause() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed == nil {
		g.closed = make(chan struct{})
	}
}

func (g *pauseGate) resume() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed != nil {
		close(g.closed)
		g.closed = nil
	}
}

// wait returns true once the gate is open, false when stop closes first.
func (g *pauseGate) wait(stop <-chan struct{}) bool {
	g.mu.Lock()
	ch := g.closed
	g.mu.Unlock()
	if ch == nil {
		return true
	}
	select {
	case <-ch:
		return true
	case <-stop:
		return false
	}
}
