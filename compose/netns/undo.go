package netns

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/brokerbench/brokerbench/compose"
)

// Undo undoes one journaled change: deletes a namespace (after killing
// every process still inside it), a host link, or an iptables rule (by its
// exact arguments). A change that is already gone is not an error, so Undo
// can replay a crashed run's journal.
func Undo(ctx context.Context, c compose.Change) error {
	switch c.Kind {
	case compose.ChangeNetns:
		if !Exists(ctx, c.Name) {
			return nil
		}
		killInside(ctx, c.Name)
		return ip(ctx, "netns", "del", c.Name)
	case compose.ChangeLink:
		if err := ip(ctx, "link", "show", c.Name); err != nil {
			return nil // gone (with its peer's namespace, or earlier)
		}
		return ip(ctx, "link", "del", c.Name)
	case compose.ChangeRule:
		if c.NS != "" && !Exists(ctx, c.NS) {
			return nil // the rule went with its namespace
		}
		if _, err := iptables(ctx, c.NS, append([]string{"-C"}, c.Args...)...); err != nil {
			return nil // no such rule (any more)
		}
		_, err := iptables(ctx, c.NS, append([]string{"-D"}, c.Args...)...)
		return err
	}
	return fmt.Errorf("netns: unknown change kind %q", c.Kind)
}

// Exists reports whether namespace name exists.
func Exists(ctx context.Context, name string) bool {
	out, err := run(ctx, "ip", "netns", "list")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			return true
		}
	}
	return false
}

// List returns the namespaces whose names start with prefix.
func List(ctx context.Context, prefix string) []string {
	out, _ := run(ctx, "ip", "netns", "list")
	var names []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], prefix) {
			names = append(names, f[0])
		}
	}
	slices.Sort(names)
	return names
}

// killInside SIGKILLs every process in namespace ns but this one (a
// thread of ours may still sit there after Dial or Listen).
func killInside(ctx context.Context, ns string) {
	out, _ := run(ctx, "ip", "netns", "pids", ns)
	for _, f := range strings.Fields(out) {
		if pid, err := strconv.Atoi(f); err == nil && pid > 1 && pid != os.Getpid() {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
}
