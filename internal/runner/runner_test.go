package runner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/scenarios"
)

// These tests run real scenarios end to end on the in-memory broker
// (drivers/memory, an in-process test double — not a real broker).

func load(t *testing.T, reg scenarios.Registry, yaml string, sets ...string) *scenarios.Scenario {
	t.Helper()
	sc, err := scenarios.Load("test.yaml", []byte(yaml), reg, sets)
	if err != nil {
		t.Fatalf("loading scenario: %v", err)
	}
	return sc
}

func runIt(t *testing.T, ctx context.Context, reg scenarios.Registry, sc *scenarios.Scenario) *Result {
	t.Helper()
	res, err := Run(ctx, sc, Options{ResultsDir: t.TempDir(), Registry: reg})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

const basic = `
name: basic
driver: {name: memory}
destinations: [{name: t, partitions: 3}]
workload:
  producers: 2
  consumers: 2
  mode: async
  window: 16
  rate: 2000
  keys: {count: 8}
  duration: 1s
  warmup: 200ms
  drain_quiet: 500ms
`

func TestRunWritesEverything(t *testing.T) {
	reg := registry.Default()
	for _, mode := range []string{"sync", "async", "oneway"} {
		t.Run(mode, func(t *testing.T) {
			sc := load(t, reg, basic, "workload.mode="+mode)
			res := runIt(t, context.Background(), reg, sc)
			s := res.Summary
			if !s.Complete || !s.Passed {
				t.Fatalf("run did not pass: complete=%v expectations=%+v error=%q", s.Complete, s.Expectations, s.Error)
			}
			wantSent := int64(2000 * 1.2)
			if s.Counts.Sent < wantSent*9/10 || s.Counts.Sent > wantSent*11/10 {
				t.Errorf("sent %d, want about %d", s.Counts.Sent, wantSent)
			}
			if s.Counts.Delivered != s.Counts.Sent {
				t.Errorf("delivered %d of %d sent", s.Counts.Delivered, s.Counts.Sent)
			}
			if mode == "oneway" && s.Counts.Unknown != s.Counts.Sent {
				t.Errorf("oneway: %d of %d unknown, want all (never failed)", s.Counts.Unknown, s.Counts.Sent)
			}
			if mode != "oneway" && s.Counts.Acked != s.Counts.Sent {
				t.Errorf("%s: acked %d of %d", mode, s.Counts.Acked, s.Counts.Sent)
			}
			for _, f := range []string{summary.SummaryFile, summary.SeriesFile, summary.HistLogFile, summary.ScenarioFile, summary.RunFile} {
				if _, err := os.Stat(filepath.Join(res.Dir, f)); err != nil {
					t.Errorf("missing %s: %v", f, err)
				}
			}
			pts, err := summary.ReadSeries(res.Dir)
			if err != nil || len(pts) < 1 {
				t.Fatalf("series: %d points, %v", len(pts), err)
			}
			var sent int64
			for _, p := range pts {
				sent += p.Sent
			}
			if sent != s.Counts.Sent {
				t.Errorf("series sums to %d sent, summary says %d", sent, s.Counts.Sent)
			}
		})
	}
}

// TestSelftestSweep injects random numbers of drops, duplicates, allowed
// redeliveries and reorders into the in-memory broker and requires the
// checkers to find exactly those numbers: no false positive, no false
// negative. Sync mode makes every held-back message a reorder by
// definition (its ack precedes the next send).
func TestSelftestSweep(t *testing.T) {
	reg := registry.Default()
	runs := 6
	if testing.Short() {
		runs = 2
	}
	for seed := 1; seed <= runs; seed++ {
		drop, dup, redel, reorder, corrupt := seed%4, (seed*3)%5, (seed*7)%4, (seed*5)%6, seed%3
		sets := []string{
			"driver.options.inject.seed=" + itoa(seed),
			"driver.options.inject.drop=" + itoa(drop),
			"driver.options.inject.duplicate=" + itoa(dup),
			"driver.options.inject.redeliver=" + itoa(redel),
			"driver.options.inject.reorder=" + itoa(reorder),
			"driver.options.inject.corrupt=" + itoa(corrupt),
			"driver.options.inject.from=20",
			"driver.options.inject.to=1020",
			"workload.rate=3000",
			"workload.duration=600ms",
			"workload.drain_quiet=400ms",
			"expect.lost=" + itoa(drop+corrupt),
			"expect.unexpected=" + itoa(corrupt),
			"expect.duplicate=" + itoa(dup),
			"expect.redelivered=" + itoa(redel),
			"expect.reorder=" + itoa(reorder),
		}
		src, _ := scenarios.BundledSource("selftest")
		sc := load(t, reg, string(src), sets...)
		res := runIt(t, context.Background(), reg, sc)
		if !res.Summary.Passed {
			t.Errorf("seed %d (drop %d dup %d redeliver %d reorder %d corrupt %d): %s", seed, drop, dup, redel, reorder, corrupt, failed(res.Summary))
		}
	}
}

func failed(s *summary.Summary) string {
	var b strings.Builder
	for _, e := range s.Expectations {
		if !e.Holds {
			b.WriteString(e.Expect + " got " + ftoa(e.Value) + " " + e.Note + "; ")
		}
	}
	return b.String() + s.Error
}

// TestStall: the broker stops acking for 1 s; the stall must show in the
// publish response time (p99.9 >= 500 ms) while the service time of all
// but the one stalled send stays low.
func TestStall(t *testing.T) {
	reg := registry.Default()
	src, _ := scenarios.BundledSource("stall")
	// The bundled scenario expects service p99 < 20 ms; under -race on a
	// loaded 2-core CI machine the test allows 200 ms: still far below the
	// 1 s stall that the response time must show.
	sc := load(t, reg, string(src), "workload.duration=4s", "workload.warmup=500ms",
		"driver.options.stalls.0.at=2s", "expect.p99_service_ms=< 200")
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("stall run: %s", failed(s))
	}
	if p := s.Latency.PublishResponse.P999; p < int64(500*time.Millisecond) {
		t.Errorf("response p99.9 = %v, want >= 500ms", time.Duration(p))
	}
	if p := s.Latency.PublishService.P99; p > int64(200*time.Millisecond) {
		t.Errorf("service p99 = %v, want < 200ms", time.Duration(p))
	}
	if m := s.Latency.PublishService.Max; m < int64(800*time.Millisecond) {
		t.Errorf("service max = %v: the one send caught in the stall should show ~1s", time.Duration(m))
	}
}

func TestInterruptKeepsResults(t *testing.T) {
	reg := registry.Default()
	sc := load(t, reg, basic, "workload.duration=30s")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(700*time.Millisecond, cancel)
	start := time.Now()
	res, err := Run(ctx, sc, Options{ResultsDir: t.TempDir(), Registry: reg})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if el := time.Since(start); el > 10*time.Second {
		t.Errorf("interrupted run took %v", el)
	}
	s := res.Summary
	if !s.Interrupted || s.Complete || s.Passed {
		t.Fatalf("interrupted=%v complete=%v passed=%v", s.Interrupted, s.Complete, s.Passed)
	}
	if s.Counts.Sent == 0 || s.Counts.Delivered == 0 {
		t.Fatalf("nothing kept: %+v", s.Counts)
	}
	stored, err := summary.Read(res.Dir)
	if err != nil || stored.Counts != s.Counts {
		t.Fatalf("stored summary %+v, %v", stored, err)
	}
}

func TestPanickingDriverKeepsResults(t *testing.T) {
	reg := panicRegistry{registry.Default()}
	sc := load(t, reg, strings.Replace(basic, "name: memory", "name: panicky", 1))
	res, err := Run(context.Background(), sc, Options{ResultsDir: t.TempDir(), Registry: reg})
	if err == nil || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("want a panic error, got %v", err)
	}
	s := res.Summary
	if s == nil || s.Complete || !strings.Contains(s.Error, "panic") {
		t.Fatalf("summary must say the run failed: %+v", s)
	}
	if s.Counts.Sent < 100 {
		t.Fatalf("the sends before the panic must be kept, got %+v", s.Counts)
	}
	paths, _ := oplog.SendPaths(res.Dir)
	if len(paths) != 2 {
		t.Fatalf("op logs: %v", paths)
	}
}

// TestPacerHoldsRateInARun asserts pacer accuracy on what a run recorded:
// the measured send rate is the target within 3 %, every full second of
// the series is within 10 % of it, and the pacer's own lag (response time
// minus service time at the median) stays small. Bounds are loose for
// noisy CI machines; docs/benchmarks.md has the measured figures.
func TestPacerHoldsRateInARun(t *testing.T) {
	reg := registry.Default()
	sc := load(t, reg, basic, "workload.mode=sync", "workload.rate=4000", "workload.duration=2s",
		"workload.producers=2", "expect={}")
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if r := s.Throughput.SendRate; r < 4000*0.97 || r > 4000*1.03 {
		t.Errorf("send rate %.0f/s, want 4000 ± 3%%", r)
	}
	pts, err := summary.ReadSeries(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pts {
		if p.Phase != summary.PhaseMeasure || p.Seconds < 0.99 || p.T > float64(s.Workload.Warmup+s.Workload.Duration) {
			continue
		}
		// ±25 %: a second of a loaded 2-core machine can starve the
		// pacer; the absolute schedule then catches up the next second,
		// and the whole-run rate above stays within 3 %.
		if r := float64(p.Sent) / p.Seconds; r < 3000 || r > 5000 {
			t.Errorf("second ending at %.1fs: %.0f msg/s, want 4000 ± 25%%", p.T, r)
		}
	}
	lag := s.Latency.PublishResponse.P50 - s.Latency.PublishService.P50
	if lag > int64(5*time.Millisecond) {
		t.Errorf("median pacer lag %v, want < 5ms", time.Duration(lag))
	}
}

// TestPhasesRunInOrder runs sync, async and oneway phases in one run: each
// phase has its own producers (op logs), the series names the phase, and
// the summary has per-phase numbers.
func TestPhasesRunInOrder(t *testing.T) {
	reg := registry.Default()
	src := basic + `  phases:
    - {mode: sync, duration: 1200ms}
    - {mode: async, duration: 1200ms, rate: 4000}
    - {mode: oneway, duration: 1200ms}
`
	src = strings.Replace(src, "  duration: 1s\n", "", 1)
	sc := load(t, reg, src)
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("phased run failed: %s", failed(s))
	}
	if len(s.Phases) != 3 || s.Phases[0].Mode != "sync" || s.Phases[2].Mode != "oneway" {
		t.Fatalf("phases %+v", s.Phases)
	}
	if r := s.Phases[1].SendRate; r < 3600 || r > 4400 {
		t.Errorf("async phase at 4000/s sent %.0f/s", r)
	}
	paths, _ := oplog.SendPaths(res.Dir)
	if len(paths) != 6 {
		t.Errorf("%d producer logs, want 2 per phase", len(paths))
	}
	pts, _ := summary.ReadSeries(res.Dir)
	stages := map[string]bool{}
	for _, p := range pts {
		stages[p.Stage] = true
	}
	if !stages["sync"] || !stages["oneway"] {
		t.Errorf("series stages %v", stages)
	}
	if s.Counts.Unknown == 0 || s.Counts.Acked == 0 || s.Counts.Delivered != s.Counts.Sent {
		t.Errorf("counts %+v", s.Counts)
	}
}
