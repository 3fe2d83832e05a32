package rocketmqtest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// Cluster is a running rocketmq-test cluster. Safe for concurrent use:
// node operations and Close are serialised. Close is idempotent.
type Cluster struct {
	mu     sync.Mutex
	c      *rmqtest.Cluster
	names  []string
	closed bool
}

var (
	_ compose.Cluster          = (*Cluster)(nil)
	_ compose.NodeController   = (*Cluster)(nil)
	_ compose.DriverConfigurer = (*Cluster)(nil)
)

// Start starts a name server and nodes brokers (broker-a, broker-b, ...)
// on free 127.0.0.1 ports and creates opts.Topics on every broker. Close
// the cluster when done.
func Start(nodes int, opts *Options) (*Cluster, error) {
	if nodes < 1 || nodes > maxNodes {
		return nil, fmt.Errorf("%s: %d nodes: want 1..%d (broker-a .. broker-z)", Name, nodes, maxNodes)
	}
	if errs := opts.Validate(); len(errs) > 0 {
		all := make([]error, len(errs))
		for i, e := range errs {
			all[i] = e
		}
		return nil, fmt.Errorf("%s: %w", Name, errors.Join(all...))
	}
	names := make([]string, nodes)
	for i := range names {
		names[i] = "broker-" + string(rune('a'+i))
	}
	c, err := rmqtest.Start(rmqtest.Config{Brokers: nodes, Names: names, RetryDelay: opts.RetryDelay, PullWait: opts.PullWait})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	for _, t := range opts.Topics {
		c.CreateTopic(t, opts.Queues)
	}
	return &Cluster{c: c, names: names}, nil
}

// Info describes the cluster; StandIn is always set.
func (c *Cluster) Info() compose.Info {
	return compose.Info{Backend: Name, Version: "rmqtest", StandIn: StandIn, Nodes: c.Nodes()}
}

// Nodes lists every broker, running or not (PID 0: in-process).
func (c *Cluster) Nodes() []compose.Node {
	addrs := c.c.BrokerAddrs()
	out := make([]compose.Node, len(addrs))
	for i, a := range addrs {
		out[i] = compose.Node{Name: c.names[i], Addr: a}
	}
	return out
}

// Endpoints is the name server's address.
func (c *Cluster) Endpoints() []string { return []string{c.c.NameServer()} }

// Kill crashes a broker (see the package doc). Killing a stopped broker
// does nothing.
func (c *Cluster) Kill(_ context.Context, node string) error {
	return c.act(node, "kill", c.c.StopBroker)
}

// Stop is Kill: the double has no graceful shutdown (a real broker's
// unregistration from the name server).
func (c *Cluster) Stop(_ context.Context, node string) error {
	return c.act(node, "stop", c.c.StopBroker)
}

// Start brings a stopped broker back on its address with its data.
// Starting a running broker does nothing.
func (c *Cluster) Start(_ context.Context, node string) error {
	return c.act(node, "start", c.c.RestartBroker)
}

// Pause makes a broker stop answering; its connections stay open.
func (c *Cluster) Pause(_ context.Context, node string) error {
	return c.act(node, "pause", c.c.PauseBroker)
}

// Resume lets a paused broker answer again.
func (c *Cluster) Resume(_ context.Context, node string) error {
	return c.act(node, "resume", c.c.ResumeBroker)
}

// act runs op on node's broker index under the lock.
func (c *Cluster) act(node, what string, op func(int) error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return fmt.Errorf("%s: %s %s: cluster closed", Name, what, node)
	}
	i := slices.Index(c.names, node)
	if i < 0 {
		return fmt.Errorf("%s: %s: no node %q (nodes: %v)", Name, what, node, c.names)
	}
	if err := op(i); err != nil {
		return fmt.Errorf("%s: %s %s: %w", Name, what, node, err)
	}
	return nil
}

// Running reports whether node's broker listens (a paused one does).
func (c *Cluster) Running(node string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.names, node)
	return i >= 0 && !c.closed && c.c.BrokerRunning(i)
}

// DriverOptions fills the rocketmq driver's broker_addrs (when empty) with
// every broker's address and its stand_in (when empty) with StandIn, in a
// copy, when its name_servers option is empty (the driver uses this
// cluster). Other drivers' options are returned as they are.
func (c *Cluster) DriverOptions(driver string, opts drivers.Options) (drivers.Options, error) {
	if driver != rocketmq.Factory.Name {
		return opts, nil
	}
	o, ok := opts.(*rocketmq.Options)
	if !ok || o == nil {
		return nil, fmt.Errorf("%s: rocketmq driver options of type %T, want *rocketmq.Options", Name, opts)
	}
	if len(o.NameServers) > 0 {
		return opts, nil
	}
	cp := *o
	if len(cp.BrokerAddrs) == 0 {
		cp.BrokerAddrs = c.c.BrokerAddrs()
	}
	if cp.StandIn == "" {
		cp.StandIn = StandIn
	}
	return &cp, nil
}

// Close stops the name server and every broker. Idempotent.
func (c *Cluster) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.c.Close()
	}
	return nil
}
