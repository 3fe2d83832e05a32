package rabbitmq

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ctlTimeout bounds a CLI call; a call that involves a paused node hangs
// until it.
const ctlTimeout = 30 * time.Second

// baseEnv is the environment every process of the cluster gets: the shared
// HOME (Erlang cookie), the private epmd, no rabbitmq-env.conf.
func (c *Cluster) baseEnv() []string {
	env := []string{
		"HOME=" + c.home,
		"PATH=" + os.Getenv("PATH"),
		"LANG=C.UTF-8",
		"LC_ALL=C.UTF-8",
		"ERL_EPMD_PORT=" + strconv.Itoa(c.ports.epmd),
		"RABBITMQ_CONF_ENV_FILE=/dev/null",
		"BROKERBENCH_CLUSTER=" + c.dir,
	}
	if c.net != nil {
		// Node host names (n1, n2, ...) resolve through the cluster's
		// own inetrc to the nodes' addresses; each namespace has its epmd.
		return append(env, "ERL_INETRC="+c.inetrc())
	}
	return append(env, "ERL_EPMD_ADDRESS=127.0.0.1")
}

// ctl runs rabbitmqctl args against node (an Erlang node name), bounded by
// ctx and timeout, and returns its standard output. The CLI runs in its own
// process group, killed as a whole when the call times out.
func (c *Cluster) ctl(ctx context.Context, timeout time.Duration, node string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	argv := c.inNodeNS(node, append([]string{c.tools.ctl, "-n", node}, args...))
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(c.baseEnv(), "RABBITMQ_CTL_ERL_ARGS=-start_epmd false")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (after %v)", ctx.Err(), timeout)
		}
		return out.String(), fmt.Errorf("rabbitmqctl -n %s %s: %w: %s", node, strings.Join(args, " "), err, lastLines(errb.String()+out.String(), 6))
	}
	return out.String(), nil
}

// lastLines returns the last n non-empty lines of s, joined by " | ".
func lastLines(s string, n int) string {
	var ls []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			ls = append(ls, l)
		}
	}
	return strings.Join(ls[max(0, len(ls)-n):], " | ")
}

// Ctl runs rabbitmqctl args against a node of the cluster (by name,
// "rabbit1"), for tests and diagnostics, and returns its standard output.
func (c *Cluster) Ctl(ctx context.Context, node string, args ...string) (string, error) {
	n, err := c.lookup(node)
	if err != nil {
		return "", err
	}
	return c.ctl(ctx, ctlTimeout, n.erl, args...)
}
