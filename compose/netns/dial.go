package netns

import (
	"context"
	"fmt"
	"net"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// inNS runs f on an OS thread switched into namespace ns. The thread is
// never switched back: it ends with the goroutine (LockOSThread without
// Unlock), so no other goroutine ever runs in ns by accident. Sockets f
// creates stay in ns.
func inNS(ns string, f func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with us
		fd, err := os.Open("/run/netns/" + ns)
		if err != nil {
			errc <- fmt.Errorf("netns: %w", err)
			return
		}
		defer fd.Close()
		if err := unix.Setns(int(fd.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("netns: entering %s: %w", ns, err)
			return
		}
		errc <- f()
	}()
	return <-errc
}

// Dial connects from inside node's namespace to addr (host:port), as a
// process on that node would: for tests and probes.
func (n *Network) Dial(ctx context.Context, node, network, addr string) (net.Conn, error) {
	ns, err := n.NS(node)
	if err != nil {
		return nil, err
	}
	var c net.Conn
	err = inNS(ns, func() error {
		var d net.Dialer
		var err error
		c, err = d.DialContext(ctx, network, addr)
		return err
	})
	return c, err
}

// Listen listens inside node's namespace on addr (e.g. ":7000"): for
// tests and probes.
func (n *Network) Listen(node, network, addr string) (net.Listener, error) {
	ns, err := n.NS(node)
	if err != nil {
		return nil, err
	}
	var l net.Listener
	err = inNS(ns, func() error {
		var err error
		l, err = net.Listen(network, addr)
		return err
	})
	return l, err
}
