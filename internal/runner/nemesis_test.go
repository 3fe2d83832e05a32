package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

const withToyGroups = basic + `cluster: {backend: toy, nodes: 2}
faults:
  - {kind: pause, target: majority, at: 100ms, for: 100ms, every: 300ms, every_jitter: 50ms}
  - {kind: kill, target: all-but-one, at: 250ms}
nemesis: {mode: random, kinds: [stop, restart], targets: [majority, all-but-one], at: 150ms, every: 300ms, jitter: 50ms, for: 50ms}
`

// TestGroupTargetsAndRepeatsAreWired runs repeating faults, group targets
// and nemesis draws against the toy cluster: every occurrence is its own
// record with its source entry, every node of a group is faulted and
// healed, and the same seed replays the same faults on the same nodes.
func TestGroupTargetsAndRepeatsAreWired(t *testing.T) {
	run := func() (*scenarios.Scenario, []string, []faults.Record) {
		toy := &toyCluster{}
		reg := toyRegistry{registry.Default(), toy}
		sc := load(t, reg, withToyGroups)
		res := runIt(t, context.Background(), reg, sc)
		var recs []faults.Record
		for _, f := range res.Summary.Faults {
			recs = append(recs, f.Record)
		}
		return sc, toy.calls, recs
	}
	sc, calls, recs := run()
	sched := sc.FaultSchedule()
	if len(recs) != len(sched) || len(sched) < 6 {
		t.Fatalf("%d records for a schedule of %d: %+v", len(recs), len(sched), recs)
	}
	count := map[string]int{}
	for _, c := range calls {
		count[c]++
	}
	pauses := 0
	for i, r := range recs {
		if r.Index != i || r.Source != sched[i].Source || r.Spec != sched[i].String() || r.Error != "" || r.HealError != "" || r.End == 0 {
			t.Errorf("record %d %+v (occurrence %+v)", i, r, sched[i])
		}
		switch r.Target {
		case "majority":
			if r.Node != "n1,n2" {
				t.Errorf("majority of 2 nodes acted on %q", r.Node)
			}
		case "all-but-one":
			if r.Node != "n1" && r.Node != "n2" {
				t.Errorf("all-but-one of 2 nodes acted on %q", r.Node)
			}
		}
		if r.Source == 0 {
			pauses++
		}
	}
	if pauses < 3 || count["pause n1"] != pauses || count["resume n1"] != pauses || count["pause n2"] != pauses || count["resume n2"] != pauses {
		t.Errorf("%d pause occurrences, calls %v", pauses, calls)
	}
	for _, n := range []string{"n1", "n2"} {
		// Each kill and stop is healed by a start; a restart is a kill and a start.
		if down := count["kill "+n] + count["stop "+n]; count["start "+n] != down {
			t.Errorf("%s: %d kills and stops, %d starts: %v", n, down, count["start "+n], calls)
		}
	}
	_, calls2, recs2 := run()
	// The same calls (as a multiset: on a loaded machine a heal can come
	// after the next fault's start), and the same records below.
	if c1, c2 := slices.Sorted(slices.Values(calls)), slices.Sorted(slices.Values(calls2)); fmt.Sprint(c1) != fmt.Sprint(c2) {
		t.Errorf("the same seed replayed differently:\n%v\n%v", calls, calls2)
	}
	for i := range recs {
		if recs[i].Spec != recs2[i].Spec || recs[i].Node != recs2[i].Node {
			t.Errorf("replay record %d: %+v vs %+v", i, recs[i], recs2[i])
		}
	}
}

// TestRabbitMQNemesisRandomScenario runs the bundled random nemesis,
// shortened, against a real 3-node RabbitMQ cluster behind the proxy:
// every drawn fault must start and heal, no confirmed message may be lost,
// and nothing may be left running.
func TestRabbitMQNemesisRandomScenario(t *testing.T) {
	requireRabbitMQ(t)
	reg := registry.Default()
	src, _ := scenarios.BundledSource("nemesis-random")
	sc := load(t, reg, string(src), "workload.duration=24s", "workload.warmup=1s", "workload.drain_quiet=3s",
		"nemesis.at=3s", "nemesis.every=5s", "nemesis.jitter=1s", "nemesis.for=2s")
	sched := sc.FaultSchedule()
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("nemesis-random: %s", failed(s))
	}
	if len(s.Faults) != len(sched) || len(sched) < 4 {
		t.Fatalf("%d faults for a schedule of %d: %+v", len(s.Faults), len(sched), s.Faults)
	}
	kinds := map[string]bool{}
	for i, f := range s.Faults {
		kinds[f.Kind] = true
		if f.Error != "" || f.HealError != "" || f.Start == 0 || f.End <= f.Start || !strings.HasPrefix(f.Node, "rabbit") ||
			f.Spec != sched[i].String() {
			t.Errorf("fault %d: %+v", i, f.Record)
		}
	}
	if len(kinds) < 2 {
		t.Errorf("the seed drew one kind only: %v", kinds)
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered < s.Counts.Acked {
		t.Errorf("counts %+v", s.Counts)
	}
	assertCleanEnd(t, res.Dir)
	for _, f := range s.Faults {
		t.Logf("%-45s on %-22s %.2fs–%.2fs", f.Spec, f.Node, f.Start, f.End)
	}
	t.Logf("sent %d acked %d failed %d unknown %d delivered %d; %d driver events",
		s.Counts.Sent, s.Counts.Acked, s.Counts.Failed, s.Counts.Unknown, s.Counts.Delivered, len(s.Events))
}
