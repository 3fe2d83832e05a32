package runner

import (
	"context"
	"reflect"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// delayedScenario sends delayed messages on the memory broker (a test
// double), 5 of which it delivers early.
const delayedScenario = `
name: delayed
driver:
  name: memory
  options:
    delay: 300ms
    inject: {seed: 3, from: 20, to: 150, early: 5}
destinations: [{name: t, partitions: 2}]
workload:
  mode: sync
  kind: delayed
  rate: 200
  duration: 1s
  drain_quiet: 800ms
expect: {delivered_early: 5, lost: 0, duplicate: 0, unexpected: 0}
`

// TestDelayedRun: the early check finds exactly the injected early
// deliveries, every other delivery's lateness is recorded, the driver's
// counters land in summary.json, and re-checking the op logs (what
// `brokerbench check` does) gives the same delayed section.
func TestDelayedRun(t *testing.T) {
	reg := registry.Default()
	res := runIt(t, context.Background(), reg, load(t, reg, delayedScenario))
	s, err := summary.Read(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Complete || !s.Passed {
		t.Fatalf("run did not pass: complete=%v expectations=%+v error=%q", s.Complete, s.Expectations, s.Error)
	}
	d := s.Delayed
	if d == nil {
		t.Fatal("summary.json has no delayed section")
	}
	if d.Early != 5 || s.DriverCounters["inject_early"] != 5 {
		t.Errorf("early %d, injected %d: want 5 and 5", d.Early, s.DriverCounters["inject_early"])
	}
	if d.Delivered != s.Counts.Delivered || d.Delivered < 150 || d.LatenessMs.Count != d.Delivered-5 {
		t.Errorf("delayed %d delivered, lateness count %d; counts %+v", d.Delivered, d.LatenessMs.Count, s.Counts)
	}
	if d.EarliestByMs <= 0 || d.EarliestByMs > 300 || d.LatenessMs.Max <= 0 || d.LatenessMs.Max > 10_000 || len(d.Examples) != 5 {
		t.Errorf("earliest by %g ms, lateness %+v, %d examples", d.EarliestByMs, d.LatenessMs, len(d.Examples))
	}
	if got := s.DriverCounters["delayed_messages"]; got != s.Counts.Sent-5 {
		t.Errorf("driver counters %v: want delayed_messages = sent - early = %d", s.DriverCounters, s.Counts.Sent-5)
	}
	if s.Workload.Kind != "delayed" {
		t.Errorf("workload kind %q", s.Workload.Kind)
	}
	again, err := checker.CheckDir(res.Dir, checker.Options{DrainEnd: s.Drain.End, Consumers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Delayed, d) {
		t.Errorf("re-check gives\n%+v\nsummary.json has\n%+v", again.Delayed, d)
	}
}

// TestDelayedExpectationFails: expect delivered_early: 0 fails a run whose
// broker delivered early.
func TestDelayedExpectationFails(t *testing.T) {
	reg := registry.Default()
	sc := load(t, reg, delayedScenario, "expect={delivered_early: 0}", "workload.duration=500ms",
		"driver.options.inject={seed: 3, from: 10, to: 50, early: 2}")
	s := runIt(t, context.Background(), reg, sc).Summary
	if s.Passed || len(s.Expectations) != 1 || s.Expectations[0].Holds || s.Expectations[0].Value != 2 {
		t.Errorf("passed %v, expectations %+v; want delivered_early == 0 failing with 2", s.Passed, s.Expectations)
	}
}

// TestPhaseKinds: a plain phase then a delayed one; only the delayed
// phase's deliveries are measured, and the phase stats name the kind.
func TestPhaseKinds(t *testing.T) {
	reg := registry.Default()
	sc := load(t, reg, `
name: phase-kinds
driver: {name: memory, options: {delay: 100ms}}
destinations: [{name: t}]
workload:
  rate: 200
  drain_quiet: 500ms
  phases:
    - {name: plain, duration: 500ms}
    - {name: later, duration: 500ms, kind: delayed}
expect: {delivered_early: 0, lost: 0}
`)
	s := runIt(t, context.Background(), reg, sc).Summary
	if !s.Passed {
		t.Fatalf("run did not pass: %+v %q", s.Expectations, s.Error)
	}
	if len(s.Phases) != 2 || s.Phases[0].Kind != "" || s.Phases[1].Kind != "delayed" {
		t.Fatalf("phases %+v", s.Phases)
	}
	if d := s.Delayed; d == nil || d.Delivered < 50 || d.Delivered > s.Counts.Delivered*3/4 {
		t.Errorf("delayed %+v of %d delivered: want about half", d, s.Counts.Delivered)
	}
}

// TestEarlyDuringFault: early deliveries while a fault is active count
// among the fault's anomalies.
func TestEarlyDuringFault(t *testing.T) {
	reg := toyRegistry{registry.Default(), &toyCluster{}}
	sc := load(t, reg, delayedScenario, "workload.duration=1500ms", "cluster={backend: toy, nodes: 2}",
		"driver.options.inject={seed: 3, from: 20, to: 200, early: 4}",
		"faults=[{kind: pause, target: n1, at: 0s, for: 1400ms}]", "expect={delivered_early: 4}")
	s := runIt(t, context.Background(), reg, sc).Summary
	if len(s.Faults) != 1 || s.Faults[0].Anomalies["delivered_early"] != 4 {
		t.Fatalf("faults %+v: want 4 early deliveries while the fault was active", s.Faults)
	}
}
