package kfake

import (
	"context"
	"io"
	"net"
	"sync"
	"time"
)

// forwarder is a node process's network face: it accepts client
// connections on the node's address and pipes each to the core's
// listener for that node. Killing the process resets every client
// connection and closes the port, as a broker crash does.
type forwarder struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
	wg       sync.WaitGroup
}

// upstreamDialTimeout bounds connecting to the core.
const upstreamDialTimeout = 5 * time.Second

// serve accepts until ctx is done, then closes the listener and every
// connection and returns once all pipes ended.
func (f *forwarder) serve(ctx context.Context) {
	go func() {
		<-ctx.Done()
		_ = f.ln.Close()
		f.mu.Lock()
		for c := range f.conns {
			_ = c.Close()
		}
		f.mu.Unlock()
	}()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			break
		}
		f.wg.Add(1)
		go f.pipe(ctx, c)
	}
	f.wg.Wait()
}

// track adds c to the open connections, false when shutting down.
func (f *forwarder) track(ctx context.Context, cs ...net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ctx.Err() != nil {
		return false
	}
	for _, c := range cs {
		f.conns[c] = struct{}{}
	}
	return true
}

func (f *forwarder) untrack(cs ...net.Conn) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range cs {
		delete(f.conns, c)
		_ = c.Close()
	}
}

// pipe copies between a client and a new upstream connection until either
// side ends; a client whose upstream cannot be reached is dropped.
func (f *forwarder) pipe(ctx context.Context, client net.Conn) {
	defer f.wg.Done()
	up, err := net.DialTimeout("tcp", f.upstream, upstreamDialTimeout)
	if err != nil {
		if tc, ok := client.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = client.Close()
		return
	}
	if !f.track(ctx, client, up) {
		f.untrack(client, up)
		return
	}
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn) {
		_, _ = io.Copy(dst, src)
		done <- struct{}{}
	}
	go cp(up, client)
	go cp(client, up)
	<-done
	f.untrack(client, up)
	<-done
}
