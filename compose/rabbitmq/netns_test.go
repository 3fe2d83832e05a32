package rabbitmq_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
	"github.com/brokerbench/brokerbench/compose/rabbitmq"
	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/scenarios"
)

// needNetns skips t when namespaces cannot be built, unless CI=true.
func needNetns(t *testing.T) {
	t.Helper()
	if err := netns.Check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and network namespaces are unavailable: %v", err)
		}
		t.Skip(err)
	}
}

// running asks node which cluster members it is connected to (itself
// included): Erlang's nodes(), which answers at once, unlike
// cluster_status during a partition.
func running(t *testing.T, c *rabbitmq.Cluster, node string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := c.Ctl(ctx, node, "eval", "[node() | nodes()].", "-q")
	if err != nil {
		t.Fatalf("nodes() on %s: %v", node, err)
	}
	var got []string
	for _, f := range strings.FieldsFunc(out, func(r rune) bool { return strings.ContainsRune("[], \n'", r) }) {
		if strings.HasPrefix(f, "rabbit") {
			got = append(got, f)
		}
	}
	slices.Sort(got)
	return got
}

// waitRunning polls until node sees exactly want running, or fails.
func waitRunning(t *testing.T, c *rabbitmq.Cluster, node string, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var got []string
	for time.Now().Before(deadline) {
		if got = running(t, c, node); len(got) == want {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%s sees %v running after %v, want %d nodes", node, got, within, want)
}

// TestNetnsFaults starts 3 real nodes in namespaces, cuts rabbit1
// off from its peers for longer than net_ticktime (4s), checks both sides
// notice, that clients still reach rabbit1, heals, and checks that the
// rules, processes and namespaces are gone after Close.
func TestNetnsFaults(t *testing.T) {
	needRabbit(t)
	needNetns(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	opts := rabbitmq.DefaultOptions()
	opts.NetNS, opts.NetTicktime, opts.PartitionHandling = true, 4, "autoheal"
	c, err := rabbitmq.Start(ctx, 3, opts, compose.Env{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	nw := c.Network()
	closed := false
	defer func() {
		if !closed {
			c.Close(context.Background())
		}
	}()
	for _, nd := range c.Nodes() {
		if !strings.HasPrefix(nd.Addr, "10.213.") || !strings.HasSuffix(nd.Addr, ":5672") {
			t.Errorf("node %s at %s, want an address of its own", nd.Name, nd.Addr)
		}
	}
	if got := running(t, c, "rabbit1"); len(got) != 3 {
		t.Fatalf("before the fault rabbit1 sees %v", got)
	}
	t.Run("every network kind through the nemesis", func(t *testing.T) { everyNetworkKind(t, c) })
	before, _ := nw.Rules(ctx, "rabbit1")
	var drops []compose.Drop
	for _, peer := range []string{"rabbit2", "rabbit3"} {
		drops = append(drops, compose.Drop{To: "rabbit1", From: peer, Probability: 1}, compose.Drop{To: peer, From: "rabbit1", Probability: 1})
	}
	if err := c.Drop(ctx, "isolate-1", drops); err != nil {
		t.Fatal(err)
	}
	// Peers and distribution port: rabbit2 cannot open a connection to
	// rabbit1; the host (a client) still can.
	dctx, dcancel := context.WithTimeout(ctx, time.Second)
	if conn, err := nw.Dial(dctx, "rabbit2", "tcp", c.Nodes()[0].Addr); err == nil {
		conn.Close()
		t.Error("rabbit2 reaches rabbit1's AMQP port during the isolation")
	}
	dcancel()
	waitRunning(t, c, "rabbit1", 1, 45*time.Second)
	waitRunning(t, c, "rabbit2", 2, 45*time.Second)
	if err := c.Undrop(ctx, "isolate-1"); err != nil {
		t.Fatal(err)
	}
	if after, _ := nw.Rules(ctx, "rabbit1"); after != before {
		t.Errorf("rabbit1's iptables after heal:\n%s\nwant:\n%s", after, before)
	}
	waitRunning(t, c, "rabbit1", 3, 90*time.Second) // autoheal restarts the losing side
	names := nw.Namespaces()
	dir := c.Dir()
	closed = true
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, ns := range names {
		if netns.Exists(context.Background(), ns) {
			t.Errorf("namespace %s left after Close", ns)
		}
	}
	if left := rabbitmq.ProcessesUnder(dir); len(left) > 0 {
		t.Errorf("processes left: %v", left)
	}
}

// connectable reports whether from can open a TCP connection to node to's
// distribution port (a TCP handshake needs both directions).
func connectable(t *testing.T, c *rabbitmq.Cluster, from, to string) bool {
	t.Helper()
	nw := c.Network()
	addr, _ := nw.Addr(to)
	ctx, cancel := context.WithTimeout(context.Background(), 600*time.Millisecond)
	defer cancel()
	conn, err := nw.Dial(ctx, from, "tcp", addr+":25672")
	if err == nil {
		conn.Close()
	}
	return err == nil
}

// everyNetworkKind starts each network fault kind through a nemesis on
// the real cluster, checks that exactly the pairs the fault cuts cannot
// connect (packet loss: that its rules are there), heals it, and checks
// every pair connects again and iptables are back as before.
func everyNetworkKind(t *testing.T, c *rabbitmq.Cluster) {
	ctx := context.Background()
	names := []string{"rabbit1", "rabbit2", "rabbit3"}
	before := map[string]string{}
	for _, nd := range names {
		before[nd], _ = c.Network().Rules(ctx, nd)
	}
	for _, kind := range scenarios.NetworkKinds() {
		spec := scenarios.FaultSpec{Kind: kind, At: 0, For: time.Hour}
		if !scenarios.IsClusterWide(kind) {
			spec.Target = scenarios.Target{Node: "rabbit2"}
		}
		if kind == scenarios.FaultPacketLoss {
			spec.Loss = 0.5
		}
		t0 := time.Now()
		clock := func() int64 { return int64(time.Since(t0)) + 1 }
		n, err := faults.New(c, []scenarios.FaultSpec{spec}, 11, clock, t.TempDir())
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		stop := make(chan struct{})
		close(stop) // Run starts the fault (due at once) and returns before its heal
		n.Run(ctx, 0, stop)
		r := n.Records()[0]
		if r.Error != "" || r.Start == 0 || r.Node == "" {
			t.Fatalf("%s did not start: %+v", kind, r)
		}
		dropped := map[[2]string]bool{} // {to, from}
		for _, nd := range names {
			rules, _ := c.Network().Rules(ctx, nd)
			for _, from := range names {
				addr, _ := c.Network().Addr(from)
				if strings.Contains(rules, "-s "+addr+"/32") && !strings.Contains(rules, "-s "+addr+"/32 -m statistic") {
					dropped[[2]string{nd, from}] = true
				}
				if kind == scenarios.FaultPacketLoss && strings.Contains(rules, "-s "+addr+"/32 -m statistic --mode random --probability 0.5") {
					dropped[[2]string{nd, from + "~"}] = true
				}
			}
		}
		if kind == scenarios.FaultPacketLoss {
			if len(dropped) != 4 { // rabbit2 <-> rabbit1, rabbit2 <-> rabbit3, lossy both ways
				t.Errorf("packet-loss: lossy rules %v, want 4", dropped)
			}
		} else {
			if len(dropped) == 0 {
				t.Errorf("%s (%s): no drop rule in any namespace", kind, r.Detail)
			}
			for _, from := range names {
				for _, to := range names {
					if from == to {
						continue
					}
					want := !dropped[[2]string{to, from}] && !dropped[[2]string{from, to}]
					if got := connectable(t, c, from, to); got != want {
						t.Errorf("%s (%s): %s -> %s connects %v, want %v", kind, r.Detail, from, to, got, want)
					}
				}
			}
		}
		n.HealAll(ctx)
		if r := n.Records()[0]; r.HealError != "" || r.End == 0 {
			t.Errorf("%s heal: %+v", kind, r)
		}
		n.Close()
		for _, nd := range names {
			if after, _ := c.Network().Rules(ctx, nd); after != before[nd] {
				t.Errorf("%s: %s iptables after heal:\n%s\nwant:\n%s", kind, nd, after, before[nd])
			}
		}
		for _, from := range names {
			for _, to := range names {
				if from != to && !connectable(t, c, from, to) {
					t.Errorf("%s healed, but %s cannot connect to %s", kind, from, to)
				}
			}
		}
		t.Logf("%s: %s", kind, r.Detail)
	}
}
