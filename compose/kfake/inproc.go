package kfake

import (
	"context"
	"fmt"
	"sync"

	"github.com/brokerbench/brokerbench/compose"
)

// InProcess is a kfake cluster running inside this process. Its nodes
// have no PID of their own (Node.PID 0): Kill and Stop emulate a crash
// (see the package doc), Pause and Resume are unsupported. Safe for
// concurrent use; Close is idempotent.
type InProcess struct {
	b *built
	// mu is held for reading by every operation and for writing by
	// Close: kfake's admin calls block forever on a closed cluster.
	mu     sync.RWMutex
	closed bool
}

var (
	_ compose.Cluster        = (*InProcess)(nil)
	_ compose.NodeController = (*InProcess)(nil)
	_ compose.LeaderFinder   = (*InProcess)(nil)
	_ compose.LeaderMover    = (*InProcess)(nil)
)

// StartInProcess starts nodes kfake brokers in this process.
func StartInProcess(nodes int, opts *Options, env compose.Env) (*InProcess, error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	b, err := build(spec{
		nodes: nodes, ports: basePorts(opts.BasePort, nodes),
		partitions: opts.DefaultPartitions, seeds: opts.SeedTopics, logger: env.Logger,
	})
	if err != nil {
		return nil, err
	}
	return &InProcess{b: b}, nil
}

// basePorts returns base, base+1, ... or nil (free ports) when base is 0.
func basePorts(base, n int) []int {
	if base == 0 {
		return nil
	}
	ps := make([]int, n)
	for i := range ps {
		ps[i] = base + i
	}
	return ps
}

// Info describes the cluster.
func (c *InProcess) Info() compose.Info {
	return compose.Info{Backend: "kfake", Version: kfakeVersion(), StandIn: StandIn, Nodes: c.Nodes()}
}

// Nodes lists every node, up or down (PID 0: in-process).
func (c *InProcess) Nodes() []compose.Node {
	out := make([]compose.Node, len(c.b.ports))
	for i, p := range c.b.ports {
		out[i] = compose.Node{Name: nodeName(int32(i)), Addr: loopback(p)}
	}
	return out
}

// Endpoints are every node's address (a bootstrap list).
func (c *InProcess) Endpoints() []string {
	var out []string
	for _, p := range c.b.ports {
		out = append(out, loopback(p))
	}
	return out
}

// Kill crashes a node: it leaves the cluster, its connections are reset
// and its partitions get new leaders. Killing a dead node does nothing.
func (c *InProcess) Kill(ctx context.Context, node string) error {
	id, err := c.enter(node)
	if err != nil {
		return err
	}
	defer c.mu.RUnlock()
	if err := c.b.em.nodeDown(ctx, id); err != nil {
		return fmt.Errorf("kfake: kill %s: %w", node, err)
	}
	return nil
}

// Stop is Kill: kfake has no graceful shutdown of one broker.
func (c *InProcess) Stop(ctx context.Context, node string) error { return c.Kill(ctx, node) }

// Pause is unsupported in-process (use processes: true).
func (c *InProcess) Pause(context.Context, string) error {
	return fmt.Errorf("kfake: pause needs processes: true: %w", compose.ErrUnsupported)
}

// Resume is unsupported in-process (use processes: true).
func (c *InProcess) Resume(context.Context, string) error {
	return fmt.Errorf("kfake: resume needs processes: true: %w", compose.ErrUnsupported)
}

// Start brings a killed node back on its port, leading no partition.
// Starting a running node does nothing.
func (c *InProcess) Start(ctx context.Context, node string) error {
	id, err := c.enter(node)
	if err != nil {
		return err
	}
	defer c.mu.RUnlock()
	if err := c.b.em.nodeUp(ctx, id); err != nil {
		return fmt.Errorf("kfake: start %s: %w", node, err)
	}
	return nil
}

// Leader returns the node leading "topic/partition".
func (c *InProcess) Leader(_ context.Context, resource string) (string, error) {
	if _, err := c.enter(""); err != nil {
		return "", err
	}
	defer c.mu.RUnlock()
	t, p, err := parseResource(resource)
	if err != nil {
		return "", err
	}
	id, err := c.b.em.leader(t, p)
	if err != nil {
		return "", fmt.Errorf("kfake: %w", err)
	}
	return nodeName(id), nil
}

// MoveLeader makes toNode (up) the leader of "topic/partition".
func (c *InProcess) MoveLeader(_ context.Context, resource, toNode string) error {
	id, err := c.enter(toNode)
	if err != nil {
		return err
	}
	defer c.mu.RUnlock()
	t, p, err := parseResource(resource)
	if err != nil {
		return err
	}
	if err := c.b.em.move(t, p, id); err != nil {
		return fmt.Errorf("kfake: move %s to %s: %w", resource, toNode, err)
	}
	return nil
}

// enter read-locks the open cluster and returns the id of node (-1 for
// ""); on error nothing stays locked, otherwise the caller RUnlocks.
func (c *InProcess) enter(node string) (int32, error) {
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return -1, fmt.Errorf("kfake: cluster closed")
	}
	if node == "" {
		return -1, nil
	}
	id, err := parseNode(node, len(c.b.ports))
	if err != nil {
		c.mu.RUnlock()
	}
	return id, err
}

// Close stops the cluster. Idempotent.
func (c *InProcess) Close(context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		c.b.c.Close()
	}
	return nil
}
