package faultstats

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// faultOn and faultOff are the seconds [6, 10) of the synthetic run in
// which the "link" is slow: its intervals record base latencies 50 ms
// higher.
const faultOn, faultOff = 6, 10

// lat is one interval's publish and e2e base latency (ns): 55 % of the
// samples at base, 40 % at 2 × base and 5 % at 5 × base, so p50 = base,
// p90 = 2 × base and p99 = 5 × base.
func lat(sec int) (publish, e2e int64) {
	publish, e2e = 2e6, 3e6
	if sec >= faultOn && sec < faultOff {
		publish, e2e = publish+50e6, e2e+50e6
	}
	return publish, e2e
}

// writeRun writes series.jsonl and latency.hlog of a 15 s run at 100
// msg/s whose origin is not on a whole second (as a real run's is).
func writeRun(t *testing.T, dir string, origin time.Time) {
	t.Helper()
	sw, err := summary.CreateSeries(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(dir, summary.HistLogFile))
	if err != nil {
		t.Fatal(err)
	}
	hw := hdr.NewHistogramLogWriter(f)
	originMs := origin.UnixMilli()
	hw.SetBaseTime(originMs)
	for _, err := range []error{hw.OutputLogFormatVersion(), hw.OutputStartTime(originMs), hw.OutputBaseTime(originMs), hw.OutputLegend()} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for sec := 0; sec < 15; sec++ {
		if err := sw.Write(&summary.SeriesPoint{T: float64(sec + 1), Seconds: 1, Phase: summary.PhaseMeasure, Sent: 100, Acked: 100}); err != nil {
			t.Fatal(err)
		}
		pub, e2e := lat(sec)
		for _, x := range []struct {
			tag  string
			base int64
		}{{"publish", pub}, {"service", pub / 2}, {"e2e", e2e}} {
			h := recorder.NewHist()
			_ = h.RecordValues(x.base, 55)
			_ = h.RecordValues(2*x.base, 40)
			_ = h.RecordValues(5*x.base, 5)
			h.SetTag(x.tag)
			h.SetStartTimeMs(originMs + int64(sec)*1000)
			h.SetEndTimeMs(originMs + int64(sec+1)*1000)
			if err := hw.OutputIntervalHistogram(h); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := sw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// near reports whether got is v within HdrHistogram's 3-digit precision.
func near(got, v int64) bool { return math.Abs(float64(got-v)) <= float64(v)/500 }

// TestComputeWindowPercentiles: each window's p50 and p99 of publish and
// e2e latency come from the intervals that mostly lie in it — for a fault
// on whole seconds and for one that starts and ends mid-interval — and a
// fault that never started gets none.
func TestComputeWindowPercentiles(t *testing.T) {
	dir := t.TempDir()
	origin := time.Unix(1_700_000_000, 437_000_000)
	writeRun(t, dir, origin)
	recs := []faults.Record{
		{Index: 0, Kind: "latency", Start: faultOn, End: faultOff},
		{Index: 1, Kind: "latency", Start: faultOn + 0.4, End: faultOff - 0.4},
		{Index: 2, Kind: "latency", Error: "no such node"},
	}
	st, err := Compute(dir, Input{Records: recs, TargetRate: 100, MeasureStart: 1, SendEnd: 15, OriginUnixNs: origin.UnixNano()})
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 {
		t.Fatalf("%d stats for 3 faults", len(st))
	}
	pubOff, e2eOff := lat(0)
	pubOn, e2eOn := lat(faultOn)
	for _, s := range st[:2] {
		for _, c := range []struct {
			name     string
			w        Window
			pub, e2e int64
		}{{"before", s.Before, pubOff, e2eOff}, {"during", s.During, pubOn, e2eOn}, {"after", s.After, pubOff, e2eOff}} {
			w := c.w
			if !near(w.P50PublishNs, c.pub) || !near(w.P99PublishNs, 5*c.pub) || !near(w.P50E2ENs, c.e2e) || !near(w.P99E2ENs, 5*c.e2e) {
				t.Errorf("fault %d %s [%.1f, %.1f): publish p50 %d p99 %d, e2e p50 %d p99 %d; want %d %d, %d %d",
					s.Index, c.name, w.From, w.To, w.P50PublishNs, w.P99PublishNs, w.P50E2ENs, w.P99E2ENs, c.pub, 5*c.pub, c.e2e, 5*c.e2e)
			}
		}
		if d := time.Duration(s.During.P50E2ENs - s.Before.P50E2ENs); d < 49*time.Millisecond || d > 51*time.Millisecond {
			t.Errorf("fault %d: e2e p50 rise %s, want 50ms", s.Index, d)
		}
	}
	if w := st[2].During; w.P50E2ENs != 0 || w.P50PublishNs != 0 || w.P99E2ENs != 0 || st[2].Before.P50E2ENs != 0 {
		t.Errorf("a fault that never started has latencies: %+v", st[2])
	}
}
