package kfake

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/compose"
)

// Grace periods for stopping processes.
const (
	nodeStopGrace = 5 * time.Second
	coreStopGrace = 10 * time.Second
)

// Processes is a kfake cluster whose nodes are processes (see the package
// doc): one core `serve kfake` process holds the cluster's state and N
// `serve kfake-node` processes are the nodes' network faces. Node.PID is
// the node process, so SIGKILL, SIGSTOP and SIGCONT by pid act on one
// node. Safe for concurrent use; Close is idempotent.
type Processes struct {
	self  string
	dir   string
	log   *slog.Logger
	core  *child
	ctl   *controlClient
	nodes []*procNode
	wg    sync.WaitGroup

	mu     sync.Mutex
	closed bool
}

var (
	_ compose.Cluster        = (*Processes)(nil)
	_ compose.NodeController = (*Processes)(nil)
	_ compose.LeaderFinder   = (*Processes)(nil)
	_ compose.LeaderMover    = (*Processes)(nil)
)

// procNode is one node; ch is nil while the node is down.
type procNode struct {
	id       int32
	port     int    // client port
	upstream string // the core's listener for this node
	ch       *child
	paused   bool
}

// StartProcesses starts a core process and nodes node processes of
// env.Self (`brokerbench serve ...`), with data and logs in a new
// directory below env.Dir (or the system temp dir), removed by Close.
func StartProcesses(ctx context.Context, nodes int, opts *Options, env compose.Env) (_ *Processes, err error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	self := env.Self
	if self == "" {
		if self, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("kfake: no brokerbench binary to run nodes with: %w", err)
		}
	}
	if env.Dir != "" {
		if err := os.MkdirAll(env.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("kfake: %w", err)
		}
	}
	dir, err := os.MkdirTemp(env.Dir, "kfake-")
	if err != nil {
		return nil, fmt.Errorf("kfake: %w", err)
	}
	c := &Processes{self: self, dir: dir, log: env.Logger}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	defer func() {
		if err != nil {
			_ = c.Close(context.Background())
		}
	}()
	ports, err := clientPorts(opts.BasePort, nodes)
	if err != nil {
		return nil, err
	}
	if err := c.startCore(ctx, ports, opts); err != nil {
		return nil, err
	}
	for _, n := range c.nodes {
		if err := c.startNode(ctx, n); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// clientPorts returns base, base+1, ... or free ports when base is 0.
func clientPorts(base, n int) ([]int, error) {
	if base != 0 {
		return basePorts(base, n), nil
	}
	ports := make([]int, n)
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("kfake: finding a free port: %w", err)
		}
		lns = append(lns, ln)
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports, nil
}

// startCore starts the core, advertising the nodes' client ports.
func (c *Processes) startCore(ctx context.Context, ports []int, opts *Options) error {
	adv := make([]string, len(ports))
	for i, p := range ports {
		adv[i] = loopback(p)
	}
	args := []string{"serve", "kfake", "--brokers", strconv.Itoa(len(ports)), "--advertise", strings.Join(adv, ","),
		"--data-dir", filepath.Join(c.dir, "data"), "--partitions", strconv.Itoa(opts.DefaultPartitions), "--control"}
	if len(opts.SeedTopics) > 0 {
		args = append(args, "--seed-topics", strings.Join(opts.SeedTopics, ","))
	}
	ctl := newControlClient(nil)
	core, rest, err := startChild(ctx, c.self, args, filepath.Join(c.dir, "core.log"), ReadyCore,
		func(l string) { ctl.onLine(l) }, func(err error) { ctl.fail(fmt.Errorf("core output ended: %w", err)) })
	if err != nil {
		return fmt.Errorf("kfake: starting the core: %w", err)
	}
	ctl.setWriter(core.stdin)
	c.core, c.ctl = core, ctl
	upstreams := splitList(rest)
	if len(upstreams) != len(ports) {
		return fmt.Errorf("kfake: core listens on %d addresses for %d nodes", len(upstreams), len(ports))
	}
	for i, p := range ports {
		c.nodes = append(c.nodes, &procNode{id: int32(i), port: p, upstream: upstreams[i]})
	}
	return nil
}
