package faults

import (
	"context"

	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/scenarios"
)

// blocked returns, per receiving node, the sorted senders it drops fully.
func blocked(drops []compose.Drop) map[string][]string {
	out := map[string][]string{}
	for _, d := range drops {
		if d.Probability == 1 {
			out[d.To] = append(out[d.To], d.From)
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out
}

func TestNetworkGrudges(t *testing.T) {
	nodes := []string{"a", "b", "c", "d", "e"}
	rng := func() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
	spec := func(kind string) scenarios.FaultSpec { return scenarios.FaultSpec{Kind: kind, Loss: 0.3} }

	g, err := networkGrudge(spec(scenarios.FaultIsolate), nodes, []string{"b"}, rng())
	if err != nil {
		t.Fatal(err)
	}
	b := blocked(g.drops)
	if !slices.Equal(b["b"], []string{"a", "c", "d", "e"}) || !slices.Equal(b["a"], []string{"b"}) || len(g.drops) != 8 {
		t.Errorf("isolate b: %v", b)
	}

	g, _ = networkGrudge(spec(scenarios.FaultOneWayDrop), nodes, []string{"a"}, rng())
	b = blocked(g.drops)
	if len(b["a"]) != 0 || !slices.Equal(b["c"], []string{"a"}) || len(g.drops) != 4 {
		t.Errorf("one-way-drop from a: %v", b)
	}

	g, _ = networkGrudge(spec(scenarios.FaultPacketLoss), nodes, []string{"a", "b"}, rng())
	for _, d := range g.drops {
		if d.Probability != 0.3 {
			t.Errorf("packet-loss drop %+v, want probability 0.3", d)
		}
	}
	if len(g.drops) != 2*2*3 {
		t.Errorf("packet-loss {a,b}: %d drops, want 12", len(g.drops))
	}

	g, _ = networkGrudge(spec(scenarios.FaultPartition), nodes, nil, rng())
	b = blocked(g.drops)
	sizes := []int{}
	for _, nd := range nodes {
		sizes = append(sizes, len(b[nd]))
	}
	sort.Ints(sizes)
	if !slices.Equal(sizes, []int{2, 2, 2, 3, 3}) { // halves of 2 and 3
		t.Errorf("partition: blocked counts %v (%v)", sizes, g.detail)
	}

	g, _ = networkGrudge(spec(scenarios.FaultBridge), nodes, nil, rng())
	b = blocked(g.drops)
	free := 0
	for _, nd := range nodes {
		if len(b[nd]) == 0 {
			free++
		}
	}
	if free != 1 || !strings.Contains(g.detail, "(bridge)") {
		t.Errorf("bridge: %d nodes see everyone, want 1 (%v)", free, g.detail)
	}

	for _, n := range []int{3, 4, 5, 7} {
		g, _ = networkGrudge(spec(scenarios.FaultMajoritiesRing), nodes[:min(n, 5)], nil, rng())
		if n > 5 {
			more := []string{"a", "b", "c", "d", "e", "f", "g"}
			g, _ = networkGrudge(spec(scenarios.FaultMajoritiesRing), more, nil, rng())
		}
		b = blocked(g.drops)
		views := map[string]bool{}
		for _, nd := range g.nodes {
			seen := []string{}
			for _, o := range g.nodes {
				if !slices.Contains(b[nd], o) {
					seen = append(seen, o)
				}
			}
			if len(seen) != len(g.nodes)/2+1 {
				t.Errorf("ring of %d: %s sees %v, not a bare majority", n, nd, seen)
			}
			views[strings.Join(seen, ",")] = true
		}
		if len(views) != len(g.nodes) {
			t.Errorf("ring of %d: %d distinct majorities, want %d", n, len(views), len(g.nodes))
		}
	}

	if _, err := networkGrudge(spec(scenarios.FaultBridge), nodes[:2], nil, rng()); err == nil {
		t.Error("a bridge of 2 nodes was accepted")
	}
	// Same seed, same split.
	g1, _ := networkGrudge(spec(scenarios.FaultPartition), nodes, nil, rng())
	g2, _ := networkGrudge(spec(scenarios.FaultPartition), nodes, nil, rng())
	if g1.detail != g2.detail {
		t.Errorf("same seed, different splits: %s / %s", g1.detail, g2.detail)
	}
}

// netCluster is a fake cluster that records its drop rules.
type netCluster struct {
	fakeCluster
	mu    sync.Mutex
	rules map[string][]compose.Drop
}

func (c *netCluster) Drop(_ context.Context, id string, d []compose.Drop) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.rules == nil {
		c.rules = map[string][]compose.Drop{}
	}
	c.rules[id] = d
	return nil
}

func (c *netCluster) Undrop(_ context.Context, id string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.rules, id)
	return nil
}

func TestNemesisNetworkFaults(t *testing.T) {
	c := &netCluster{}
	ms := time.Millisecond
	sched := []scenarios.FaultSpec{
		{Kind: scenarios.FaultIsolate, Target: scenarios.Target{Node: "n2"}, At: 5 * ms, For: 20 * ms},
		{Kind: scenarios.FaultPartition, At: 40 * ms}, // healed by HealAll
	}
	n, err := New(c, sched, 3, clock(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n.Run(context.Background(), 0, make(chan struct{}))
	c.mu.Lock()
	if len(c.rules) != 1 {
		t.Errorf("after the run, %d rule sets active, want 1 (the partition)", len(c.rules))
	}
	c.mu.Unlock()
	n.HealAll(context.Background())
	rs := n.Records()
	if rs[0].Node != "n2" || rs[0].Detail != "{n2} | {n1,n3}" || rs[0].End == 0 || rs[0].Error != "" {
		t.Errorf("isolate record %+v", rs[0])
	}
	if rs[1].Node != "n1,n2,n3" || !strings.Contains(rs[1].Detail, " | ") || rs[1].End == 0 {
		t.Errorf("partition record %+v", rs[1])
	}
	if len(c.rules) != 0 {
		t.Errorf("rules left after HealAll: %v", c.rules)
	}
	// A cluster without namespaces refuses network faults up front.
	_, err = New(&fakeCluster{}, sched, 3, clock(), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "netns: true") {
		t.Errorf("network fault on a plain cluster: %v", err)
	}

}
