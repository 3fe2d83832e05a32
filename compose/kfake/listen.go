package kfake

import (
	"net"
	"strconv"
	"sync"
)

// listeners makes the listeners of a kfake cluster (kfake.ListenFn) and
// remembers every connection they accepted, per port, so that a node can
// be cut off like a crashed process: all its connections reset at once,
// idle or busy. A listener may also advertise another address than the
// one it listens on (a node served through a `kfake-node` forwarder
// process), since kfake puts a listener's Addr into its metadata. Safe for
// concurrent use.
type listeners struct {
	mu sync.Mutex
	// byOrder[i] is advertised by the i-th listener made (node i at
	// start); advertise keeps it by port for later listeners on the same
	// port (a node added back).
	byOrder   []string
	advertise map[int]string // listen port → advertised host:port
	conns     map[int]map[net.Conn]struct{}
	ports     []int // listen ports in the order listeners were made
}

// newListeners returns listeners; advertise (may be nil) lists the
// addresses node 0, 1, ... advertise instead of their listen addresses.
func newListeners(advertise []string) *listeners {
	return &listeners{byOrder: advertise, advertise: map[int]string{}, conns: map[int]map[net.Conn]struct{}{}}
}

// listen is the kfake.ListenFn.
func (l *listeners) listen(network, address string) (net.Listener, error) {
	ln, err := net.Listen(network, address)
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	t := &trackedListener{Listener: ln, l: l, port: port}
	l.mu.Lock()
	if _, ok := l.advertise[port]; !ok && len(l.ports) < len(l.byOrder) {
		l.advertise[port] = l.byOrder[len(l.ports)]
	}
	if adv, ok := l.advertise[port]; ok {
		t.adv = advertisedAddr(adv)
	}
	l.ports = append(l.ports, port)
	l.mu.Unlock()
	return t, nil
}

// made returns the listen ports in the order the listeners were made:
// kfake makes node i's listener i-th at start.
func (l *listeners) made() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.ports...)
}

// cut resets every connection accepted on port (SO_LINGER 0, so peers
// see a reset rather than an orderly close).
func (l *listeners) cut(port int) {
	l.mu.Lock()
	cs := l.conns[port]
	delete(l.conns, port)
	l.mu.Unlock()
	for c := range cs {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0)
		}
		_ = c.Close()
	}
}

func (l *listeners) add(port int, c net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conns[port] == nil {
		l.conns[port] = map[net.Conn]struct{}{}
	}
	l.conns[port][c] = struct{}{}
}

func (l *listeners) remove(port int, c net.Conn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.conns[port], c)
}

// trackedListener registers accepted connections with its listeners.
type trackedListener struct {
	net.Listener
	l    *listeners
	port int
	adv  net.Addr
}

// Accept accepts and tracks a connection.
func (t *trackedListener) Accept() (net.Conn, error) {
	c, err := t.Listener.Accept()
	if err != nil {
		return nil, err
	}
	t.l.add(t.port, c)
	return &trackedConn{Conn: c, l: t.l, port: t.port}, nil
}

// Addr is the advertised address when there is one.
func (t *trackedListener) Addr() net.Addr {
	if t.adv != nil {
		return t.adv
	}
	return t.Listener.Addr()
}

// trackedConn forgets itself when closed.
type trackedConn struct {
	net.Conn
	l    *listeners
	port int
	once sync.Once
}

// Close closes the connection and stops tracking it.
func (c *trackedConn) Close() error {
	c.once.Do(func() { c.l.remove(c.port, c.Conn) })
	return c.Conn.Close()
}

// advertisedAddr is a host:port shown instead of the real listen address.
type advertisedAddr string

// Network is "tcp".
func (a advertisedAddr) Network() string { return "tcp" }

// String is the host:port.
func (a advertisedAddr) String() string { return string(a) }

// portOf returns the port of a host:port, or 0.
func portOf(addr string) int {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}
