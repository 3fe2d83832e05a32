package faults

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/scenarios"
)

// fakeCluster records what the nemesis did to it.
type fakeCluster struct {
	mu     sync.Mutex
	calls  []string
	leader string
	fail   string // node whose Kill fails
}

func (c *fakeCluster) Info() compose.Info { return compose.Info{Backend: "fake"} }
func (c *fakeCluster) Nodes() []compose.Node {
	return []compose.Node{{Name: "n1"}, {Name: "n2"}, {Name: "n3"}}
}
func (c *fakeCluster) Endpoints() []string         { return nil }
func (c *fakeCluster) Close(context.Context) error { return nil }
func (c *fakeCluster) call(op, node string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, op+" "+node)
	if op == "kill" && node == c.fail {
		return errors.New("no such process")
	}
	return nil
}
func (c *fakeCluster) Kill(_ context.Context, n string) error   { return c.call("kill", n) }
func (c *fakeCluster) Stop(_ context.Context, n string) error   { return c.call("stop", n) }
func (c *fakeCluster) Pause(_ context.Context, n string) error  { return c.call("pause", n) }
func (c *fakeCluster) Resume(_ context.Context, n string) error { return c.call("resume", n) }
func (c *fakeCluster) Start(_ context.Context, n string) error  { return c.call("start", n) }
func (c *fakeCluster) Leader(_ context.Context, res string) (string, error) {
	return c.leader, c.call("leader?", res)
}

func clock() func() int64 {
	t0 := time.Now()
	return func() int64 { return int64(time.Since(t0)) }
}

func TestScheduleRunsAndHeals(t *testing.T) {
	c := &fakeCluster{leader: "n2"}
	ms := time.Millisecond
	sched := []scenarios.FaultSpec{
		{Kind: "kill", Target: scenarios.Target{LeaderOf: "q"}, At: 10 * ms, For: 30 * ms},
		{Kind: "pause", Target: scenarios.Target{Node: "n3"}, At: 20 * ms}, // healed by HealAll
		{Kind: "restart", Target: scenarios.Target{Node: "n1"}, At: 25 * ms},
	}
	n, err := New(c, sched, 1, clock(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	n.Run(context.Background(), 0, make(chan struct{}))
	n.HealAll(context.Background())
	n.HealAll(context.Background()) // idempotent
	want := "leader? q, kill n2, pause n3, kill n1, start n1, start n2, resume n3"
	if got := strings.Join(c.calls, ", "); got != want {
		t.Fatalf("calls:\n got %s\nwant %s", got, want)
	}
	rs := n.Records()
	if rs[0].Node != "n2" || rs[0].End-rs[0].Start < 0.025 {
		t.Errorf("kill record %+v: healed about 30ms after it started", rs[0])
	}
	if rs[1].End == 0 || rs[2].End != rs[2].Start {
		t.Errorf("records %+v", rs)
	}
}

func TestFailuresAreRecordedNotFatal(t *testing.T) {
	c := &fakeCluster{fail: "n1"}
	sched := []scenarios.FaultSpec{
		{Kind: "kill", Target: scenarios.Target{Node: "n1"}, For: time.Millisecond},
		{Kind: "kill", Target: scenarios.Target{Node: "nope"}},
	}
	n, _ := New(c, sched, 1, clock(), t.TempDir())
	n.Run(context.Background(), 0, make(chan struct{}))
	n.HealAll(context.Background())
	rs := n.Records()
	if rs[0].Error == "" || rs[1].Error == "" || !strings.Contains(rs[1].Error, "nodes: n1, n2, n3") {
		t.Fatalf("records %+v", rs)
	}
	for _, call := range c.calls {
		if strings.HasPrefix(call, "start") {
			t.Fatalf("a fault that never started must not be healed: %v", c.calls)
		}
	}
}

func TestRandomTargetIsSeeded(t *testing.T) {
	pick := func(seed int64) string {
		c := &fakeCluster{}
		var sched []scenarios.FaultSpec
		for i := 0; i < 8; i++ {
			sched = append(sched, scenarios.FaultSpec{Kind: "pause", Target: scenarios.Target{Random: true}})
		}
		n, _ := New(c, sched, seed, clock(), t.TempDir())
		n.Run(context.Background(), 0, make(chan struct{}))
		n.HealAll(context.Background())
		return fmt.Sprint(c.calls)
	}
	if pick(3) != pick(3) {
		t.Fatal("the same seed must pick the same nodes")
	}
	// 8 picks among 3 nodes: two seeds agree by chance once in 6,561.
	if pick(3) == pick(4) {
		t.Fatal("different seeds picked the same 8 nodes: the seed is not used")
	}
}

func TestUnsupportedIsASetupError(t *testing.T) {
	var c compose.Cluster = &struct{ compose.Cluster }{&fakeCluster{}}
	_, err := New(c, []scenarios.FaultSpec{{Kind: "kill", Target: scenarios.Target{Node: "n1"}}}, 1, clock(), t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "cannot kill nodes") {
		t.Fatalf("got %v", err)
	}
}
