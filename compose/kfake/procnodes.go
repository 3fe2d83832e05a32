package kfake

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	"github.com/brokerbench/brokerbench/compose"
)

// startNode starts node n's forwarder process, tells the core the node is
// up and watches the process. The caller holds no lock.
func (c *Processes) startNode(ctx context.Context, n *procNode) error {
	args := []string{"serve", "kfake-node", "--listen", loopback(n.port), "--upstream", n.upstream, "--exit-on-eof",
		"--cluster-dir", c.dir}
	ch, _, err := startChild(ctx, c.self, args, filepath.Join(c.dir, nodeName(n.id)+".log"), ReadyNode, nil, nil)
	if err != nil {
		return fmt.Errorf("kfake: starting %s: %w", nodeName(n.id), err)
	}
	if _, err := c.ctl.call(ctx, "up "+strconv.Itoa(int(n.id))); err != nil {
		ch.kill()
		return fmt.Errorf("kfake: starting %s: %w", nodeName(n.id), err)
	}
	c.mu.Lock()
	n.ch, n.paused = ch, false
	closed := c.closed
	c.mu.Unlock()
	if closed {
		ch.stop(nodeStopGrace)
		return errors.New("kfake: cluster closed")
	}
	c.wg.Add(1)
	go c.watch(n, ch)
	return nil
}

// watch waits for a node process to end, however it ends (Kill, Stop, or
// a signal from elsewhere), and then takes the node out of the cluster.
func (c *Processes) watch(n *procNode, ch *child) {
	defer c.wg.Done()
	<-ch.exited
	_ = ch.stdin.Close()
	c.mu.Lock()
	mine := n.ch == ch
	if mine {
		n.ch, n.paused = nil, false
	}
	closed := c.closed
	c.mu.Unlock()
	if mine && !closed {
		ctx, cancel := context.WithTimeout(context.Background(), coreStopGrace)
		defer cancel()
		if _, err := c.ctl.call(ctx, "down "+strconv.Itoa(int(n.id))); err != nil {
			c.log.Warn("kfake: taking a dead node out", "node", nodeName(n.id), "err", err)
		}
	}
}

// lookup returns the node called name and its process (nil when down).
func (c *Processes) lookup(name string) (*procNode, *child, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, nil, errors.New("kfake: cluster closed")
	}
	id, err := parseNode(name, len(c.nodes))
	if err != nil {
		return nil, nil, err
	}
	n := c.nodes[id]
	if n.ch != nil && n.ch.reaped() {
		return n, nil, nil
	}
	return n, n.ch, nil
}

// Kill SIGKILLs the node's process, waits until it is reaped and the core
// took the node out (its partitions get new leaders). Killing a dead
// node does nothing.
func (c *Processes) Kill(ctx context.Context, node string) error {
	return c.terminate(ctx, node, func(ch *child) error { return ch.signal(syscall.SIGKILL) })
}

// Stop SIGTERMs the node's process (it closes its connections in an
// orderly way), waiting as Kill does; after the grace period it kills it.
func (c *Processes) Stop(ctx context.Context, node string) error {
	return c.terminate(ctx, node, func(ch *child) error {
		ch.stop(nodeStopGrace)
		return nil
	})
}

func (c *Processes) terminate(ctx context.Context, node string, how func(*child) error) error {
	n, ch, err := c.lookup(node)
	if err != nil || ch == nil {
		return err
	}
	if err := how(ch); err != nil {
		return fmt.Errorf("kfake: %s: %w", node, err)
	}
	if err := ch.wait(ctx); err != nil {
		return fmt.Errorf("kfake: waiting for %s to exit: %w", node, err)
	}
	c.mu.Lock()
	if n.ch == ch {
		n.ch, n.paused = nil, false
	}
	c.mu.Unlock()
	if _, err := c.ctl.call(ctx, "down "+strconv.Itoa(int(n.id))); err != nil {
		return fmt.Errorf("kfake: taking %s out: %w", node, err)
	}
	return nil
}

// Pause SIGSTOPs the node's process: its connections hang. The core is
// not told (kfake has no session timeout), so the node keeps its
// partitions until it is resumed or killed.
func (c *Processes) Pause(_ context.Context, node string) error {
	return c.pauseResume(node, syscall.SIGSTOP, true)
}

// Resume SIGCONTs a paused node's process.
func (c *Processes) Resume(_ context.Context, node string) error {
	return c.pauseResume(node, syscall.SIGCONT, false)
}

func (c *Processes) pauseResume(node string, sig syscall.Signal, paused bool) error {
	n, ch, err := c.lookup(node)
	if err != nil {
		return err
	}
	if ch == nil {
		return fmt.Errorf("kfake: %s is down", node)
	}
	if err := ch.signal(sig); err != nil {
		return fmt.Errorf("kfake: %s: %w", node, err)
	}
	c.mu.Lock()
	if n.ch == ch {
		n.paused = paused
	}
	c.mu.Unlock()
	return nil
}

// Start starts a killed or stopped node's process again on its port and
// tells the core, which adds the node back leading no partition. A
// running node is resumed if paused, else left alone.
func (c *Processes) Start(ctx context.Context, node string) error {
	n, ch, err := c.lookup(node)
	if err != nil {
		return err
	}
	if ch != nil {
		return c.Resume(ctx, node)
	}
	return c.startNode(ctx, n)
}

// Leader returns the node leading "topic/partition".
func (c *Processes) Leader(ctx context.Context, resource string) (string, error) {
	t, p, err := parseResource(resource)
	if err != nil {
		return "", err
	}
	res, err := c.ctl.call(ctx, fmt.Sprintf("leader %s %d", t, p))
	if err != nil {
		return "", err
	}
	id, err := strconv.Atoi(res)
	if err != nil {
		return "", fmt.Errorf("kfake core: leader %s: bad reply %q", resource, res)
	}
	return nodeName(int32(id)), nil
}

// MoveLeader makes toNode (up) the leader of "topic/partition".
func (c *Processes) MoveLeader(ctx context.Context, resource, toNode string) error {
	t, p, err := parseResource(resource)
	if err != nil {
		return err
	}
	n, _, err := c.lookup(toNode)
	if err != nil {
		return err
	}
	_, err = c.ctl.call(ctx, fmt.Sprintf("move %s %d %d", t, p, n.id))
	return err
}

// Nodes lists every node; PID is 0 while a node is down. DataDir is the
// core's: kfake keeps one store for the whole cluster.
func (c *Processes) Nodes() []compose.Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]compose.Node, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = compose.Node{Name: nodeName(n.id), Addr: loopback(n.port), DataDir: filepath.Join(c.dir, "data")}
		if n.ch != nil {
			out[i].PID = n.ch.pid()
		}
	}
	return out
}

// CorePID is the process id of the core process (the whole cluster's
// state); killing it takes every node down.
func (c *Processes) CorePID() int { return c.core.pid() }

// Endpoints are every node's client address.
func (c *Processes) Endpoints() []string {
	var out []string
	for _, n := range c.nodes {
		out = append(out, loopback(n.port))
	}
	return out
}

// Info describes the cluster.
func (c *Processes) Info() compose.Info {
	return compose.Info{Backend: "kfake", Version: kfakeVersion(), StandIn: StandIn, Nodes: c.Nodes()}
}

// Close stops every node process and the core (SIGTERM, then SIGKILL
// after a grace period), reaps them all and removes the cluster's
// directory. Idempotent.
func (c *Processes) Close(context.Context) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	var chs []*child
	for _, n := range c.nodes {
		if n.ch != nil {
			chs = append(chs, n.ch)
		}
	}
	c.mu.Unlock()
	var stops sync.WaitGroup
	for _, ch := range chs {
		stops.Go(func() { ch.stop(nodeStopGrace) })
	}
	stops.Wait()
	c.wg.Wait()
	if c.core != nil {
		c.core.stop(coreStopGrace)
	}
	if err := os.RemoveAll(c.dir); err != nil {
		return fmt.Errorf("kfake: removing %s: %w", c.dir, err)
	}
	return nil
}
