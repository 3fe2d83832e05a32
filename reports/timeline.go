package reports

import (
	"math"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// window is a time span [From, To) in s since the run origin.
type window struct{ From, To float64 }

// overlaps reports whether the interval [a, b) overlaps w.
func (w window) overlaps(a, b float64) bool { return min(b, w.To) > max(a, w.From) }

// timeline places the parts of a run in time, from its per-second series:
// the measured part starts with the first "measure" interval, sending ends
// with the first "drain" interval.
type timeline struct {
	MeasureStart float64 // s; warm-up before it
	SendEnd      float64 // s; drain after it
	End          float64 // end of the last interval
	HasMeasure   bool    // some interval was measured (false: died in warm-up)
}

func timelineOf(pts []summary.SeriesPoint) timeline {
	var tl timeline
	sendEndSet := false
	for _, p := range pts {
		start := p.T - p.Seconds
		switch p.Phase {
		case summary.PhaseMeasure:
			if !tl.HasMeasure {
				tl.MeasureStart, tl.HasMeasure = start, true
			}
		case summary.PhaseDrain:
			if !sendEndSet {
				tl.SendEnd, sendEndSet = start, true
			}
		}
		tl.End = max(tl.End, p.T)
	}
	if !sendEndSet {
		tl.SendEnd = tl.End
	}
	if !tl.HasMeasure {
		tl.MeasureStart = tl.SendEnd
	}
	return tl
}

// measured is the window whose latencies the report's spectra merge: the
// measured part and the drain (late acks of measured messages); all of the
// run when it died in warm-up.
func (tl timeline) measured() window {
	if !tl.HasMeasure {
		return window{From: math.Inf(-1), To: math.Inf(1)}
	}
	return window{From: tl.MeasureStart, To: math.Inf(1)}
}
