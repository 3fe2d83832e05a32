package netns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// cmdTimeout bounds one ip or iptables call.
const cmdTimeout = 10 * time.Second

// ErrNotAvailable is returned (wrapped) when a tool the package needs is
// missing or the process may not create namespaces.
var ErrNotAvailable = errors.New("network namespaces not available")

// Check reports whether this machine can build networks: ip and iptables
// are installed and the process runs as root. The error says what to
// install.
func Check() error {
	if _, err := exec.LookPath("ip"); err != nil {
		return fmt.Errorf("%w: ip not found (install Debian's iproute2)", ErrNotAvailable)
	}
	if _, err := exec.LookPath("iptables"); err != nil {
		return fmt.Errorf("%w: iptables not found (install Debian's iptables: apt-get install iptables)", ErrNotAvailable)
	}
	if !isRoot() {
		return fmt.Errorf("%w: creating network namespaces needs root (CAP_NET_ADMIN)", ErrNotAvailable)
	}
	return nil
}

// run runs a command bounded by cmdTimeout and returns its combined
// output; the error names the command and quotes its output.
func run(ctx context.Context, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// ip runs `ip args...`.
func ip(ctx context.Context, args ...string) error {
	_, err := run(ctx, "ip", args...)
	return err
}

// iptables runs iptables in namespace ns ("" = the host's), waiting for
// the xtables lock.
func iptables(ctx context.Context, ns string, args ...string) (string, error) {
	full := append([]string{"-w", "5"}, args...)
	if ns == "" {
		return run(ctx, "iptables", full...)
	}
	return run(ctx, "ip", append([]string{"netns", "exec", ns, "iptables"}, full...)...)
}

// Command returns the argv that runs argv inside namespace ns
// (`ip netns exec NS argv...`; the program keeps the pid exec gives it).
func Command(ns string, argv ...string) []string {
	return append([]string{"ip", "netns", "exec", ns}, argv...)
}
