package rabbitmq

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// link is one client's (producer's or consumer's) connection to the
// cluster: the open connection, the URL it came from, and the reconnect
// back-off. Only the owner's goroutine calls connection; drop may be called
// from any goroutine.
type link struct {
	d     *Driver
	who   string // "producer 3", for events and the connection name
	start int    // index of the first URL to dial

	mu      sync.Mutex
	conn    *amqp.Connection
	node    string // host:port of conn
	next    int    // dials so far; URL index = (start + next) mod len
	wait    time.Duration
	retryAt time.Time
}

func newLink(d *Driver, who string, start int) *link {
	return &link{d: d, who: who, start: start}
}

// connection waits out the back-off (bounded by ctx), then returns the
// open connection, dialing the next URL when there is none.
func (l *link) connection(ctx context.Context) (*amqp.Connection, string, error) {
	l.mu.Lock()
	delay := time.Until(l.retryAt)
	l.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, "", ctx.Err()
		}
	}
	l.mu.Lock()
	if l.conn != nil && !l.conn.IsClosed() {
		defer l.mu.Unlock()
		return l.conn, l.node, nil
	}
	l.conn = nil
	raw := l.d.urls[(l.start+l.next)%len(l.d.urls)]
	l.next++
	reconnect := l.next > 1
	l.mu.Unlock()
	node := hostOf(raw)
	conn, err := l.d.dial(raw, l.who)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.backoff()
		l.d.events.add(EventDialFailed, node, "%s: %v", l.who, redactErr(err))
		return nil, node, fmt.Errorf("connecting to %s: %w", node, err)
	}
	l.conn, l.node = conn, node
	what := "connect"
	if reconnect {
		what = "reconnect"
	}
	l.d.events.add(EventConnected, node, "%s: %s", l.who, what)
	l.d.bg.Go(func() { l.watch(conn, node) })
	return conn, node, nil
}

// watch records the connection's unexpected close and blocking.
func (l *link) watch(conn *amqp.Connection, node string) {
	closed := conn.NotifyClose(make(chan *amqp.Error, 1))
	blocked := conn.NotifyBlocked(make(chan amqp.Blocking, 4))
	for {
		select {
		case e, ok := <-closed:
			if ok && e != nil {
				l.d.events.add(EventConnectionLost, node, "%s: %v", l.who, e)
			}
			return
		case b, ok := <-blocked:
			if !ok {
				blocked = nil
				continue
			}
			if b.Active {
				l.d.events.add(EventBlocked, node, "%s: %s", l.who, b.Reason)
			} else {
				l.d.events.add(EventUnblocked, node, "%s", l.who)
			}
		}
	}
}

// backoff schedules the next dial after the current back-off and doubles
// it. Caller holds l.mu.
func (l *link) backoff() {
	b := l.d.opts.Reconnect
	l.wait = min(max(2*l.wait, b.MinBackoff), b.MaxBackoff)
	l.retryAt = time.Now().Add(l.wait)
}

// healthy resets the back-off: the link did useful work.
func (l *link) healthy() {
	l.mu.Lock()
	l.wait, l.retryAt = 0, time.Time{}
	l.mu.Unlock()
}

// delay makes the next connection (or channel) wait for the back-off.
func (l *link) delay() {
	l.mu.Lock()
	l.backoff()
	l.mu.Unlock()
}

// drop closes conn (if it is still the link's connection) without waiting
// for the broker, and schedules the next dial after the back-off.
func (l *link) drop(conn *amqp.Connection) {
	l.mu.Lock()
	if l.conn == conn {
		l.conn = nil
	}
	l.backoff()
	l.mu.Unlock()
	if conn != nil {
		l.d.bg.Go(func() { _ = conn.CloseDeadline(time.Now().Add(time.Second)) })
	}
}

// close closes the connection for good (bounded by one second).
func (l *link) close() {
	l.mu.Lock()
	conn := l.conn
	l.conn = nil
	l.mu.Unlock()
	if conn != nil {
		_ = conn.CloseDeadline(time.Now().Add(time.Second))
	}
}

// hostOf returns the host:port of an AMQP URL (without credentials).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "?"
	}
	if u.Port() == "" {
		if u.Scheme == "amqps" {
			return u.Host + ":5671"
		}
		return u.Host + ":5672"
	}
	return u.Host
}
