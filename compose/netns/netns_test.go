package netns_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
)

// need skips t when namespaces cannot be built here, unless CI=true.
func need(t *testing.T) {
	t.Helper()
	err := netns.Check()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and network namespaces are unavailable: %v", err)
	}
	t.Skip(err)
}

// memJournal records changes in memory.
type memJournal struct {
	mu     sync.Mutex
	made   []compose.Change
	undone []compose.Change
}

func (j *memJournal) Made(c compose.Change) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.made = append(j.made, c)
	return nil
}

func (j *memJournal) Undone(c compose.Change) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.undone = append(j.undone, c)
	return nil
}

// reach reports whether from (a node, or "" for the host) can open a TCP
// connection to addr within 700ms.
func reach(t *testing.T, n *netns.Network, from, addr string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
	defer cancel()
	var err error
	if from == "" {
		var d = new(netDialer)
		err = d.dial(ctx, addr)
	} else {
		c, derr := n.Dial(ctx, from, "tcp", addr)
		if derr == nil {
			c.Close()
		}
		err = derr
	}
	return err == nil
}

func serve(t *testing.T, n *netns.Network, node string) string {
	t.Helper()
	l, err := n.Listen(node, "tcp", ":7000")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	addr, _ := n.Addr(node)
	return addr + ":7000"
}

func TestPartitionAndHeal(t *testing.T) {
	need(t)
	ctx := context.Background()
	j := &memJournal{}
	nodes := []string{"a", "b", "c"}
	n, err := netns.Create(ctx, nodes, j)
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	t.Cleanup(func() {
		if !closed {
			n.Close(ctx)
		}
	})
	addrB := serve(t, n, "b")
	addrA := serve(t, n, "a")
	before, err := n.Rules(ctx, "b")
	if err != nil {
		t.Fatal(err)
	}
	for _, from := range []string{"", "a", "c"} {
		if !reach(t, n, from, addrB) {
			t.Fatalf("%q cannot reach b before any fault", from)
		}
	}
	// b drops everything from a; c loses nothing; the host is untouched.
	if err := n.Drop(ctx, "f1", []compose.Drop{{To: "b", From: "a", Probability: 1}}); err != nil {
		t.Fatal(err)
	}
	if reach(t, n, "a", addrB) {
		t.Error("a reaches b while b drops a")
	}
	if !reach(t, n, "c", addrB) || !reach(t, n, "", addrB) {
		t.Error("c or the host lost b, though only a is dropped")
	}
	if reach(t, n, "b", addrA) {
		// b->a: SYN reaches a, but a's SYN-ACK is dropped at b: no connection.
		t.Error("b completed a connection to a while b drops a's packets")
	}
	rules, _ := n.Rules(ctx, "b")
	if !strings.Contains(rules, "brokerbench:f1") {
		t.Errorf("rule not visible in b's iptables:\n%s", rules)
	}
	if err := n.Undrop(ctx, "f1"); err != nil {
		t.Fatal(err)
	}
	after, _ := n.Rules(ctx, "b")
	if after != before {
		t.Errorf("iptables of b after heal:\n%s\nwant as before:\n%s", after, before)
	}
	if !reach(t, n, "a", addrB) {
		t.Error("a cannot reach b after the heal")
	}
	if err := n.Drop(ctx, "bad", []compose.Drop{{To: "b", From: "zz", Probability: 1}}); err == nil {
		t.Error("a drop from an unknown node was accepted")
	}
	names := n.Namespaces()
	closed = true
	if err := n.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, ns := range names {
		if netns.Exists(ctx, ns) {
			t.Errorf("namespace %s left after Close", ns)
		}
	}
	if left := netns.List(ctx, n.Prefix()); len(left) > 0 {
		t.Errorf("namespaces left: %v", left)
	}
	if len(j.made) != len(j.undone) {
		t.Errorf("journal: %d changes made, %d undone", len(j.made), len(j.undone))
	}
}

// TestUndoAfterCrash replays a journal without Close, as heal does after a
// crashed run, including a rule and a loss rule.
func TestUndoAfterCrash(t *testing.T) {
	need(t)
	ctx := context.Background()
	j := &memJournal{}
	n, err := netns.Create(ctx, []string{"x", "y"}, j)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Drop(ctx, "f", []compose.Drop{{To: "x", From: "y", Probability: 1}, {To: "y", From: "x", Probability: 0.25}}); err != nil {
		t.Fatal(err)
	}
	rules, _ := n.Rules(ctx, "y")
	if !strings.Contains(rules, "--probability 0.25") {
		t.Errorf("loss rule missing:\n%s", rules)
	}
	made := append([]compose.Change(nil), j.made...)
	for i := len(made) - 1; i >= 0; i-- {
		if err := netns.Undo(ctx, made[i]); err != nil {
			t.Errorf("undo %+v: %v", made[i], err)
		}
	}
	// Twice: already gone is fine.
	for _, c := range made {
		if err := netns.Undo(ctx, c); err != nil {
			t.Errorf("second undo %+v: %v", c, err)
		}
	}
	if left := netns.List(ctx, n.Prefix()); len(left) > 0 {
		t.Errorf("namespaces left: %v", left)
	}
	n.Close(ctx)
}
