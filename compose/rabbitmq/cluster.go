package rabbitmq

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
)

// Cluster is a running local RabbitMQ cluster. Its methods are safe for
// concurrent use; the caller closes it (after the drivers using it).
type Cluster struct {
	opts    Options
	tools   tools
	dir     string // the cluster directory, removed on Close unless KeepDirs
	home    string
	ports   portPlan
	version string
	log     *slog.Logger
	nodes   []*node

	dog     *watchdog
	epmd    *child          // the cluster's epmd (without netns)
	epmds   []*child        // one epmd per node namespace (netns)
	net     *netns.Network  // nil without netns
	journal compose.Journal // records the network's machine changes; may be nil

	closeOnce sync.Once
	closeErr  error
	closed    chan struct{}
}

var (
	_ compose.Cluster        = (*Cluster)(nil)
	_ compose.NodeController = (*Cluster)(nil)
	_ compose.LeaderFinder   = (*Cluster)(nil)
)

// Start starts a cluster of n nodes (n >= 1) and returns it once every
// node runs and has joined node 1. opts nil means DefaultOptions. On error
// everything started so far is torn down. When rabbitmq-server is missing
// the error wraps ErrNotInstalled and says how to install it.
func Start(ctx context.Context, n int, opts *Options, env compose.Env) (*Cluster, error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	if errs := opts.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("rabbitmq-local options: %v", errs)
	}
	if n < 1 {
		return nil, fmt.Errorf("rabbitmq-local: need at least 1 node, got %d", n)
	}
	t, err := findTools(opts)
	if err != nil {
		return nil, err
	}
	c := &Cluster{opts: *opts, tools: t, log: env.Logger, journal: env.Journal, closed: make(chan struct{})}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if err := c.prepare(ctx, env.Dir, n); err != nil {
		c.Close(context.Background())
		return nil, err
	}
	if err := c.boot(ctx); err != nil {
		c.Close(context.Background())
		return nil, fmt.Errorf("rabbitmq-local: %w", err)
	}
	return c, nil
}

// prepare creates the directories, cookie and config files, plans the
// ports and starts the watchdog and epmd.
func (c *Cluster) prepare(ctx context.Context, parent string, n int) error {
	var err error
	if parent == "" {
		c.dir, err = os.MkdirTemp("", "brokerbench-rabbitmq-")
	} else {
		c.dir, err = os.MkdirTemp(parent, "rabbitmq-local-")
	}
	if err != nil {
		return fmt.Errorf("rabbitmq-local: cluster directory: %w", err)
	}
	c.home = filepath.Join(c.dir, "home")
	if err := os.MkdirAll(c.home, 0o700); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.home, ".erlang.cookie"), []byte(strings.ToUpper(rand.Text())), 0o400); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.dir, "enabled_plugins"), []byte("[].\n"), 0o644); err != nil {
		return err
	}
	if c.opts.NetNS {
		c.ports = nsPorts(n)
	} else if c.ports, err = planPorts(c.opts.BasePort, n); err != nil {
		return fmt.Errorf("rabbitmq-local: %w", err)
	}
	if c.dog, err = startWatchdog(c.dir, c.baseEnv()); err != nil {
		return fmt.Errorf("rabbitmq-local: %w", err)
	}
	names := make([]string, n)
	for i := range n {
		names[i] = fmt.Sprintf("rabbit%d", i+1)
	}
	if c.opts.NetNS {
		if err := c.startNetwork(ctx, names); err != nil {
			return fmt.Errorf("rabbitmq-local: %w", err)
		}
	}
	for i := range n {
		nd := &node{index: i, name: names[i], amqpPort: c.ports.amqp[i], distPort: c.ports.dist[i], dog: c.dog}
		nd.erl, nd.ip, nd.dir = nd.name+"@localhost", "127.0.0.1", filepath.Join(c.dir, nd.name)
		if c.net != nil {
			nd.erl = fmt.Sprintf("%s@n%d", nd.name, i+1)
			nd.ip, _ = c.net.Addr(nd.name)
		}
		if err := c.writeNodeFiles(nd); err != nil {
			return fmt.Errorf("rabbitmq-local: %s: %w", nd.name, err)
		}
		c.nodes = append(c.nodes, nd)
	}
	if err := c.startEpmd(); err != nil {
		return fmt.Errorf("rabbitmq-local: %w", err)
	}
	return nil
}

// boot starts all nodes in parallel, then joins nodes 2..N to node 1.
func (c *Cluster) boot(ctx context.Context) error {
	t0 := time.Now()
	errs := make([]error, len(c.nodes))
	var wg sync.WaitGroup
	for i, n := range c.nodes {
		wg.Go(func() {
			n.op.Lock()
			defer n.op.Unlock()
			errs[i] = c.startProcess(ctx, n)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	c.log.Info("rabbitmq nodes started", "nodes", len(c.nodes), "took", time.Since(t0).Round(time.Millisecond))
	for _, n := range c.nodes[1:] {
		t1 := time.Now()
		if err := c.join(ctx, n); err != nil {
			return err
		}
		c.log.Info("rabbitmq node joined", "node", n.name, "took", time.Since(t1).Round(time.Millisecond))
	}
	v, err := c.ctl(ctx, ctlTimeout, c.nodes[0].erl, "version")
	if err != nil {
		return err
	}
	c.version = strings.TrimSpace(v)
	return nil
}

// join makes n a member of node 1's cluster.
func (c *Cluster) join(ctx context.Context, n *node) error {
	for _, args := range [][]string{{"stop_app"}, {"join_cluster", c.nodes[0].erl}, {"start_app"}} {
		if _, err := c.ctl(ctx, 2*ctlTimeout, n.erl, append(args, "-q")...); err != nil {
			return fmt.Errorf("joining %s to %s: %w", n.name, c.nodes[0].name, err)
		}
	}
	return nil
}

// Dir is the cluster directory (data, logs, home).
func (c *Cluster) Dir() string { return c.dir }

// Info describes the cluster: backend "rabbitmq-local", the RabbitMQ
// version, no stand-in label (it is real RabbitMQ), and the nodes.
func (c *Cluster) Info() compose.Info {
	// AMQP clients connect only to the URLs they are given.
	return compose.Info{Backend: Factory.Name, Version: c.version, Nodes: c.Nodes(), EndpointsOnly: true}
}

// Nodes returns the nodes in order; PID is the beam's pid, 0 while a node
// is not running.
func (c *Cluster) Nodes() []compose.Node {
	out := make([]compose.Node, len(c.nodes))
	for i, n := range c.nodes {
		beam, _ := n.running()
		out[i] = compose.Node{Name: n.name, Addr: fmt.Sprintf("%s:%d", n.ip, n.amqpPort), PID: beam.pid, DataDir: n.dataDir()}
	}
	return out
}

// Endpoints returns amqp://guest:guest@127.0.0.1:PORT/ for every node, in
// node order.
func (c *Cluster) Endpoints() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = fmt.Sprintf("amqp://guest:guest@%s:%d/", n.ip, n.amqpPort)
	}
	return out
}
