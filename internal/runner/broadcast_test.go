package runner

import (
	"context"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/scenarios"
)

// broadcastSets make the bundled selftest a broadcasting run: the memory
// broker gives each of 3 consumers every message.
var broadcastSets = []string{"driver.options.broadcast=true", "workload.consumers=3",
	"workload.rate=3000", "workload.duration=600ms", "workload.drain_quiet=400ms"}

// TestBroadcastRunIsClean: three broadcasting consumers, no injection: each
// subscriber got every message once, nothing is a duplicate, and the run
// records that it was broadcasting.
func TestBroadcastRunIsClean(t *testing.T) {
	reg := registry.Default()
	src, _ := scenarios.BundledSource("selftest")
	sets := append([]string{"driver.options.inject={}", "expect={lost: 0, duplicate: 0, unexpected: 0, reorder: 0}"}, broadcastSets...)
	res := runIt(t, context.Background(), reg, load(t, reg, string(src), sets...))
	s := res.Summary
	if !s.Passed || !s.Workload.Broadcast {
		t.Fatalf("passed %v broadcast %v: %s", s.Passed, s.Workload.Broadcast, failed(s))
	}
	if s.Drain.End != checker.DrainComplete {
		t.Errorf("drain ended %q, want complete (every consumer got every message)", s.Drain.End)
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered != 3*s.Counts.Acked || s.Counts.Deliveries != 3*s.Counts.Acked {
		t.Errorf("counts %+v: want delivered = deliveries = 3 × acked", s.Counts)
	}
	if len(s.Subscribers) != 3 {
		t.Fatalf("subscribers %+v", s.Subscribers)
	}
	for i, sub := range s.Subscribers {
		if sub.Consumer != uint32(i) || sub.Delivered != s.Counts.Acked || sub.Checks[checker.CheckDuplicate].Count != 0 {
			t.Errorf("subscriber %d: %+v", i, sub)
		}
	}
	info, err := summary.ReadRun(res.Dir)
	if err != nil || !info.Broadcast {
		t.Errorf("run.json broadcast %v (%v), want true", info.Broadcast, err)
	}
}

// TestBroadcastRunCountsEachSubscriber: every injection reaches each of
// the 3 consumers, so each subscriber finds exactly the injected numbers
// and the run's counts are three times that.
func TestBroadcastRunCountsEachSubscriber(t *testing.T) {
	reg := registry.Default()
	src, _ := scenarios.BundledSource("selftest")
	const drop, dup, redeliver, reorder, corrupt = 2, 3, 1, 2, 1
	sets := append([]string{"driver.options.inject={seed: 5, from: 20, to: 1020, drop: 2, duplicate: 3, redeliver: 1, reorder: 2, corrupt: 1}",
		"expect={lost: 9, duplicate: 9, redelivered: 3, reorder: 6, unexpected: 3, aborted_read: 0, unseen: 0}"}, broadcastSets...)
	res := runIt(t, context.Background(), reg, load(t, reg, string(src), sets...))
	s := res.Summary
	if !s.Passed {
		t.Errorf("expectations (3 × the injected counts): %s", failed(s))
	}
	want := map[string]int64{checker.CheckLost: drop + corrupt, checker.CheckDuplicate: dup, checker.CheckRedelivered: redeliver,
		checker.CheckReorder: reorder, checker.CheckUnexpected: corrupt}
	for i, sub := range s.Subscribers {
		for name, n := range want {
			if got := sub.Checks[name].Count; got != n {
				t.Errorf("subscriber %d %s = %d, want %d", i, name, got, n)
			}
		}
	}
	if len(s.Subscribers) != 3 {
		t.Fatalf("%d subscribers, want 3", len(s.Subscribers))
	}
	lost := s.Checks[checker.CheckLost]
	if len(lost.Examples) == 0 || lost.Examples[0].Consumer == nil {
		t.Errorf("lost examples %+v do not name their consumer", lost.Examples)
	}
	again, err := checker.CheckDir(res.Dir, checker.Options{DrainEnd: s.Drain.End, Consumers: 3, Broadcast: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range checker.Names() {
		if again.Checks[name].Count != s.Checks[name].Count || again.Checks[name].Verdict != s.Checks[name].Verdict {
			t.Errorf("%s rechecked: %+v, run said %+v", name, again.Checks[name], s.Checks[name])
		}
	}
}
