package rabbitmq

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ErrClosed is returned by node operations after Close.
var ErrClosed = errors.New("rabbitmq-local: cluster closed")

// ErrUnknownNode is returned (wrapped) for a node name the cluster lacks.
var ErrUnknownNode = errors.New("rabbitmq-local: unknown node")

// lookup finds a node by "rabbitN" or "rabbitN@localhost".
func (c *Cluster) lookup(name string) (*node, error) {
	select {
	case <-c.closed:
		return nil, ErrClosed
	default:
	}
	for _, n := range c.nodes {
		if n.name == name || n.erl == name {
			return n, nil
		}
	}
	names := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		names[i] = n.name
	}
	return nil, fmt.Errorf("%w %q (nodes: %s)", ErrUnknownNode, name, strings.Join(names, ", "))
}

// withNode runs f on the named node holding its operation lock.
func (c *Cluster) withNode(name string, f func(n *node) error) error {
	n, err := c.lookup(name)
	if err != nil {
		return err
	}
	n.op.Lock()
	defer n.op.Unlock()
	return f(n)
}

// Kill SIGKILLs the node's Erlang VM and its helper processes and reaps
// them. Killing a node that is not running is not an error.
func (c *Cluster) Kill(_ context.Context, name string) error {
	return c.withNode(name, func(n *node) error { c.killNode(n); return nil })
}

// Stop shuts the node down gracefully (SIGTERM; SIGKILL after 30 s).
// Stopping a node that is not running is not an error.
func (c *Cluster) Stop(_ context.Context, name string) error {
	return c.withNode(name, func(n *node) error { c.stopNode(n, stopTimeout); return nil })
}

// Pause freezes the node's Erlang VM with SIGSTOP. Pausing a paused node is
// not an error; pausing a node that is not running is.
func (c *Cluster) Pause(_ context.Context, name string) error {
	return c.withNode(name, func(n *node) error { return signalNode(n, syscall.SIGSTOP) })
}

// Resume continues a paused node with SIGCONT. Resuming a running node is
// not an error; resuming a node that is not running is.
func (c *Cluster) Resume(_ context.Context, name string) error {
	return c.withNode(name, func(n *node) error { return signalNode(n, syscall.SIGCONT) })
}

// Start starts a killed or stopped node again with its name, ports and
// data, and returns once it runs and sees the other running nodes of the
// cluster (bounded by ctx and about two minutes). Starting a running node
// resumes it if paused and is otherwise a no-op.
func (c *Cluster) Start(ctx context.Context, name string) error {
	return c.withNode(name, func(n *node) error {
		if _, ok := n.running(); ok {
			return signalNode(n, syscall.SIGCONT)
		}
		if err := c.startProcess(ctx, n); err != nil {
			return err
		}
		return c.waitClustered(ctx, n)
	})
}

// waitClustered polls cluster_status on n until its running nodes include
// every node this cluster believes running.
func (c *Cluster) waitClustered(ctx context.Context, n *node) error {
	deadline := time.Now().Add(readyTimeout)
	for {
		running, err := c.runningNodes(ctx, n)
		missing := c.expectedRunning(running)
		if err == nil && len(missing) == 0 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("%s did not rejoin the cluster (missing %v, last error %v)", n.name, missing, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// runningNodes asks n for the cluster's running nodes (Erlang names).
func (c *Cluster) runningNodes(ctx context.Context, n *node) ([]string, error) {
	out, err := c.ctl(ctx, ctlTimeout, n.erl, "cluster_status", "--formatter", "json", "-q")
	if err != nil {
		return nil, err
	}
	var st struct {
		Running []string `json:"running_nodes"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		return nil, fmt.Errorf("parsing cluster_status output %q: %w", lastLines(out, 3), err)
	}
	return st.Running, nil
}

// expectedRunning lists the Erlang names of running, unpaused nodes that
// are not in running.
func (c *Cluster) expectedRunning(running []string) []string {
	var missing []string
	for _, m := range c.nodes {
		m.mu.Lock()
		up := m.script != nil && !m.paused && m.beam.pid != 0
		m.mu.Unlock()
		if up && !slices.Contains(running, m.erl) {
			missing = append(missing, m.erl)
		}
	}
	return missing
}

// Close stops every node (SIGTERM, SIGKILL after 10 s), then epmd and the
// watchdog, reaps them all and removes the cluster directory unless
// KeepDirs. Idempotent; later calls return the first call's result.
func (c *Cluster) Close(context.Context) error {
	c.closeOnce.Do(func() {
		close(c.closed)
		var wg sync.WaitGroup
		for _, n := range c.nodes {
			wg.Go(func() {
				n.op.Lock()
				defer n.op.Unlock()
				c.stopNode(n, 10*time.Second)
			})
		}
		wg.Wait()
		if c.epmd != nil {
			c.epmd.stop(syscall.SIGTERM, 5*time.Second)
		}
		for _, e := range c.epmds {
			e.stop(syscall.SIGTERM, 5*time.Second)
		}
		if c.net != nil {
			if err := c.net.Close(context.Background()); err != nil {
				c.closeErr = fmt.Errorf("rabbitmq-local: removing the node network: %w", err)
			}
		}
		if c.dog != nil {
			c.dog.quit()
		}
		if !c.opts.KeepDirs && c.dir != "" {
			if err := os.RemoveAll(c.dir); err != nil {
				c.closeErr = fmt.Errorf("rabbitmq-local: removing %s: %w", c.dir, err)
			}
		}
	})
	return c.closeErr
}
