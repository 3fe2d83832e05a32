package reports

import (
	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// Parts of a run around one fault.
const (
	partBefore = "before"
	partDuring = "during"
	partAfter  = "after"
)

// phase is a named time window whose latencies are merged: the measured
// part of the run, or before / during / after one fault.
type phase struct {
	Name  string // "measured", "during kill broker-2"
	Fault int    // index into the faults, -1 for the measured part
	Part  string // partBefore, partDuring, partAfter; "" for the measured part
	Win   window
}

// phasesOf lists the measured part and, per fault, the before, during and
// after windows its statistics were computed over.
func phasesOf(tl timeline, stats []summary.FaultStats) []phase {
	out := []phase{{Name: "measured", Fault: -1, Win: tl.measured()}}
	for i, st := range stats {
		label := faultLabel(st.Record)
		for _, w := range []struct {
			part string
			win  summary.FaultWindow
		}{{partBefore, st.Before}, {partDuring, st.During}, {partAfter, st.After}} {
			out = append(out, phase{Name: w.part + " " + label, Fault: i, Part: w.part, Win: window{From: w.win.From, To: w.win.To}})
		}
	}
	return out
}

// phaseLatencies merges dir's interval histograms into one latencySet per
// phase (an interval counts in every phase whose window it overlaps).
func phaseLatencies(dir string, phases []phase) ([]latencySet, error) {
	acc := make([]accumSet, len(phases))
	err := readHistLog(dir, func(iv histInterval) {
		var snap *hdr.Snapshot
		for i, p := range phases {
			if !p.Win.overlaps(iv.Start, iv.End) {
				continue
			}
			if snap == nil {
				snap = iv.H.Export()
			}
			acc[i].add(iv, snap)
		}
	})
	sets := make([]latencySet, len(phases))
	for i := range acc {
		sets[i] = acc[i].latencies()
	}
	return sets, err
}
