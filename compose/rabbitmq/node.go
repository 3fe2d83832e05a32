package rabbitmq

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Bounds of node operations.
const (
	readyTimeout = 120 * time.Second // a node's start until rabbitmqctl wait succeeds
	stopTimeout  = 30 * time.Second  // graceful stop before SIGKILL
	reapTimeout  = 10 * time.Second  // a killed node's start script to exit
)

// node is one RabbitMQ node. op serializes operations on it; mu guards
// the fields below it.
type node struct {
	index    int
	name     string // "rabbit1"
	erl      string // "rabbit1@localhost" ("rabbit1@n1" with netns)
	ip       string // its address: 127.0.0.1, or its own with netns
	dir      string // the node's directory
	amqpPort int
	distPort int
	dog      *watchdog // the cluster's

	op sync.Mutex

	mu     sync.Mutex
	script *child // the rabbitmq-server shell; nil when not running
	beam   procID // the Erlang VM (from the pid file)
	paused bool
}

func (n *node) pidFile() string { return filepath.Join(n.dir, "pid") }
func (n *node) dataDir() string { return filepath.Join(n.dir, "mnesia") }

// running returns the beam of a running node. A node whose start script
// exited by itself (the VM crashed or stopped) is marked stopped here.
func (n *node) running() (procID, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.script == nil {
		return procID{}, false
	}
	select {
	case <-n.script.exited:
		if !n.beam.live() {
			n.dog.del(n.script.pid())
			n.dog.del(n.beam.pid)
			n.script, n.beam, n.paused = nil, procID{}, false
			return procID{}, false
		}
	default:
	}
	return n.beam, true
}

// env is the node's start environment.
func (c *Cluster) nodeEnv(n *node) []string {
	return append(c.baseEnv(),
		"RABBITMQ_NODENAME="+n.erl,
		"RABBITMQ_NODE_IP_ADDRESS="+n.ip,
		"RABBITMQ_NODE_PORT="+strconv.Itoa(n.amqpPort),
		"RABBITMQ_DIST_PORT="+strconv.Itoa(n.distPort),
		"RABBITMQ_MNESIA_BASE="+n.dataDir(),
		"RABBITMQ_LOG_BASE="+filepath.Join(n.dir, "log"),
		"RABBITMQ_PID_FILE="+n.pidFile(),
		"RABBITMQ_ENABLED_PLUGINS_FILE="+filepath.Join(c.dir, "enabled_plugins"),
		"RABBITMQ_CONFIG_FILE="+filepath.Join(n.dir, "rabbitmq.conf"),
		"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-start_epmd false -kernel inet_dist_use_interface {"+strings.ReplaceAll(n.ip, ".", ",")+"}",
	)
}

// writeNodeFiles creates the node's directories and rabbitmq.conf.
func (c *Cluster) writeNodeFiles(n *node) error {
	for _, d := range []string{n.dataDir(), filepath.Join(n.dir, "log")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	conf := fmt.Sprintf("loopback_users = none\nlisteners.tcp.1 = %s:%d\nnet_ticktime = %d\ncluster_partition_handling = %s\n",
		n.ip, n.amqpPort, c.opts.NetTicktime, c.opts.PartitionHandling)
	return os.WriteFile(filepath.Join(n.dir, "rabbitmq.conf"), []byte(conf), 0o644)
}

// startProcess starts the node and waits until RabbitMQ runs on it; it
// does not check clustering. The caller holds n.op.
func (c *Cluster) startProcess(ctx context.Context, n *node) error {
	if _, ok := n.running(); ok {
		return nil
	}
	_ = os.Remove(n.pidFile()) // a stale pid file would fool rabbitmqctl wait
	out, err := os.OpenFile(filepath.Join(n.dir, "startup.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	argv := c.inNodeNS(n.erl, []string{c.tools.server})
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = c.nodeEnv(n), n.dir, out, out
	script, err := startChild(cmd)
	if err != nil {
		return fmt.Errorf("%s: starting %s: %w", n.name, c.tools.server, err)
	}
	c.dog.add(script.pid())
	n.mu.Lock()
	n.script = script
	n.mu.Unlock()
	if err := c.waitReady(ctx, n, script); err != nil {
		c.killNode(n)
		return err
	}
	return nil
}

// waitReady runs `rabbitmqctl wait <pidfile>` until the node is up, failing
// early when the start script exits, then records the beam pid.
func (c *Cluster) waitReady(ctx context.Context, n *node, script *child) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-script.exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	secs := strconv.Itoa(int(readyTimeout / time.Second))
	_, err := c.ctl(ctx, readyTimeout+5*time.Second, n.erl, "wait", n.pidFile(), "-t", secs, "-q")
	select {
	case <-script.exited:
		return fmt.Errorf("%s exited while starting (%v); its output: %s; logs in %s",
			n.name, script.err, tailFile(filepath.Join(n.dir, "startup.log")), filepath.Join(n.dir, "log"))
	default:
	}
	if err != nil {
		return fmt.Errorf("%s not ready: %w", n.name, err)
	}
	b, err := os.ReadFile(n.pidFile())
	if err != nil {
		return fmt.Errorf("%s: reading its pid file: %w", n.name, err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	id, ok := identify(pid)
	if !ok {
		return fmt.Errorf("%s: pid file names %q, which is not running", n.name, b)
	}
	n.mu.Lock()
	n.beam, n.paused = id, false
	n.mu.Unlock()
	c.dog.add(pid)
	return nil
}

// killNode SIGKILLs the node's beam and its helpers and reaps the start
// script. Killing a node that is not running does nothing. The caller holds
// n.op (or is starting the node).
func (c *Cluster) killNode(n *node) {
	n.mu.Lock()
	script, beam := n.script, n.beam
	n.mu.Unlock()
	if script == nil {
		return
	}
	var helpers []procID
	if beam.pid != 0 {
		helpers = descendants(beam.pid)
		if beam.live() {
			_ = syscall.Kill(beam.pid, syscall.SIGKILL)
		}
	}
	if !script.wait(reapTimeout) {
		// The beam was not known yet (still starting): kill the script's
		// whole tree.
		tree := descendants(script.pid())
		_ = script.cmd.Process.Kill()
		killAll(tree)
		script.wait(reapTimeout)
	}
	killAll(helpers)
	c.forget(n, script, beam)
}

// forget marks the node stopped after its script was reaped.
func (c *Cluster) forget(n *node, script *child, beam procID) {
	n.mu.Lock()
	n.script, n.beam, n.paused = nil, procID{}, false
	n.mu.Unlock()
	c.dog.del(script.pid())
	if beam.pid != 0 {
		c.dog.del(beam.pid)
	}
}

// stopNode stops the node gracefully (SIGTERM to the beam, which RabbitMQ
// handles as a clean shutdown), killing it after grace.
func (c *Cluster) stopNode(n *node, grace time.Duration) {
	n.mu.Lock()
	script, beam, paused := n.script, n.beam, n.paused
	n.mu.Unlock()
	if script == nil {
		return
	}
	if beam.pid == 0 || !beam.live() {
		c.killNode(n)
		return
	}
	if paused {
		_ = syscall.Kill(beam.pid, syscall.SIGCONT)
	}
	helpers := descendants(beam.pid)
	_ = syscall.Kill(beam.pid, syscall.SIGTERM)
	if !script.wait(grace) {
		c.killNode(n)
		return
	}
	killAll(helpers)
	c.forget(n, script, beam)
}

// signalNode sends sig to a running node's beam.
func signalNode(n *node, sig syscall.Signal) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.script == nil || !n.beam.live() {
		return fmt.Errorf("%s is not running", n.name)
	}
	if err := syscall.Kill(n.beam.pid, sig); err != nil {
		return fmt.Errorf("%s: %v: %w", n.name, sig, err)
	}
	n.paused = sig == syscall.SIGSTOP
	return nil
}

// tailFile returns the last lines of a file, for error messages.
func tailFile(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return lastLines(string(b), 8)
}
