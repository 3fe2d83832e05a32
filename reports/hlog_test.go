package reports

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/summary"
)

func countIntervals(t *testing.T, dir string) (n int, last histInterval) {
	t.Helper()
	err := readHistLog(dir, func(iv histInterval) { n, last = n+1, iv })
	if err != nil {
		t.Fatal(err)
	}
	return n, last
}

// TestHistLogTornLastLine: a crashed run's log ends inside a line; the
// whole lines before it are read, with times relative to the origin.
func TestHistLogTornLastLine(t *testing.T) {
	dir := writeFixture(t, filepath.Join(t.TempDir(), "run"), fixtureRun{scenario: "s", runID: "r", seconds: 4, warmup: 1, rate: 50})
	n, last := countIntervals(t, dir)
	if n != 12 || last.Tag != tagE2E || last.Start != 3 || last.End != 4 || last.H.TotalCount() != 0 {
		t.Fatalf("%d intervals, last %s %v..%v with %d values; want 12, e2e 3..4 (the drain, empty)", n, last.Tag, last.Start, last.End, last.H.TotalCount())
	}
	path := filepath.Join(dir, summary.HistLogFile)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	must(t, os.WriteFile(path, b[:len(b)-10], 0o644))
	if n, _ := countIntervals(t, dir); n != 11 {
		t.Fatalf("%d intervals after tearing the last line, want 11", n)
	}
	must(t, os.Remove(path))
	if n, _ := countIntervals(t, dir); n != 0 {
		t.Fatalf("%d intervals without a log", n)
	}
}

func TestFaultSpan(t *testing.T) {
	for _, c := range []struct {
		rec      faults.Record
		from, to float64
		ok       bool
	}{
		{faults.Record{Start: 5, End: 8}, 5, 8, true},
		{faults.Record{Start: 5}, 5, 20, true},              // never healed: to the end of sending
		{faults.Record{Start: 5, End: 5}, 5, 6, true},       // instantaneous: 1 s
		{faults.Record{Error: "no such node"}, 0, 0, false}, // never started
		{faults.Record{Start: 25}, 25, 25, true},            // started after sending ended
	} {
		from, to, ok := faultSpan(c.rec, 20)
		if from != c.from || to != c.to || ok != c.ok {
			t.Errorf("%+v: %v..%v %v, want %v..%v %v", c.rec, from, to, ok, c.from, c.to, c.ok)
		}
	}
}

func TestTimeline(t *testing.T) {
	pts := []summary.SeriesPoint{
		{T: 1, Seconds: 1, Phase: summary.PhaseWarmup}, {T: 2.1, Seconds: 1.1, Phase: summary.PhaseMeasure},
		{T: 3, Seconds: 0.9, Phase: summary.PhaseMeasure}, {T: 4, Seconds: 1, Phase: summary.PhaseDrain},
	}
	tl := timelineOf(pts)
	if tl.MeasureStart != 1 || tl.SendEnd != 3 || tl.End != 4 || !tl.HasMeasure {
		t.Fatalf("%+v", tl)
	}
	w := tl.measured()
	if w.overlaps(0, 1) || !w.overlaps(1, 2.1) || !w.overlaps(3, 4) {
		t.Errorf("measured window %+v: wrong intervals", w)
	}
	died := timelineOf(pts[:1])
	if died.HasMeasure || !died.measured().overlaps(0, 1) {
		t.Errorf("a run that died in warm-up: %+v, its intervals must count", died)
	}
}
