// Package faultstats measures what each fault of a run did to the clients:
// throughput and p99 latency before, during and after it, the time to the
// first ack after it began, the time until the rate was back to 90 % of
// target, and the anomalies that happened while it was active. It reads
// only the run directory (series.jsonl, latency.hlog, the op logs), so it
// works on stored runs.
package faultstats

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// Stats is one fault with its effect (see summary.FaultStats).
type Stats = summary.FaultStats

// Window is a span around a fault (see summary.FaultWindow).
type Window = summary.FaultWindow

// Windows returns each record's active interval in ns, for the checker:
// [start, end) where an unhealed or instantaneous fault runs to sendEnd
// (instantaneous ones get at least 1 s). A fault that never started gets an
// empty window.
func Windows(recs []faults.Record, sendEnd float64) []checker.Window {
	out := make([]checker.Window, len(recs))
	for i, r := range recs {
		from, to := span(r, sendEnd)
		out[i] = checker.Window{Start: int64(from * 1e9), End: int64(to * 1e9)}
	}
	return out
}

// span is the active interval of r in s.
func span(r faults.Record, sendEnd float64) (float64, float64) {
	if r.Start == 0 && r.Error != "" {
		return 0, 0
	}
	end := r.End
	switch {
	case end == 0:
		end = math.Max(sendEnd, r.Start)
	case end == r.Start:
		end = r.Start + 1
	}
	return r.Start, end
}

// Input is what Compute needs besides the run directory.
type Input struct {
	Records      []faults.Record
	Checks       map[string]*checker.Check // with InWindows from Windows(Records, SendEnd)
	TargetRate   float64                   // msg/s; 0 for "max"
	MeasureStart float64                   // s: end of warm-up
	SendEnd      float64                   // s
	OriginUnixNs int64                     // run.json origin_unix_ns
}

// Compute measures every fault of in.Records.
func Compute(dir string, in Input) ([]Stats, error) {
	if len(in.Records) == 0 {
		return nil, nil
	}
	pts, err := summary.ReadSeries(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ivs, err := readIntervals(dir, in.OriginUnixNs)
	if err != nil {
		return nil, err
	}
	firstAcks, err := firstAcksAfter(dir, in.Records)
	if err != nil {
		return nil, err
	}
	out := make([]Stats, len(in.Records))
	for i, r := range in.Records {
		st := Stats{Record: r, FirstAckAfterS: firstAcks[i]}
		from, to := span(r, in.SendEnd)
		if to > from {
			l := math.Max(to-from, 1)
			st.Before = measure(pts, ivs, math.Max(from-l, in.MeasureStart), from)
			st.During = measure(pts, ivs, from, to)
			st.After = measure(pts, ivs, to, math.Min(to+l, in.SendEnd))
			target := in.TargetRate
			if target == 0 {
				target = st.Before.SendRate
			}
			st.SendRateBackS = rateBack(pts, from, target, func(p summary.SeriesPoint) int64 { return p.Sent })
			st.AckRateBackS = rateBack(pts, from, target, func(p summary.SeriesPoint) int64 { return p.Acked })
		}
		st.Anomalies = anomaliesIn(in.Checks, i)
		out[i] = st
	}
	return out, nil
}

// measure sums what the series recorded in [from, to): each point counts
// in proportion to how much of its interval overlaps the window, and the
// latency histograms of every overlapping interval are merged (so a
// window shorter than the 1 s intervals still gets numbers, at 1 s
// resolution).
func measure(pts []summary.SeriesPoint, ivs []interval, from, to float64) Window {
	w := Window{From: from, To: to}
	if to <= from {
		return w
	}
	var secs, sent, acked float64
	for _, p := range pts {
		ov := overlap(p.T-p.Seconds, p.T, from, to)
		if ov <= 0 || p.Seconds <= 0 {
			continue
		}
		f := ov / p.Seconds
		secs += ov
		sent += f * float64(p.Sent)
		acked += f * float64(p.Acked)
		w.Failed += int64(math.Round(f * float64(p.Failed)))
		w.Unknown += int64(math.Round(f * float64(p.Unknown)))
	}
	if secs > 0 {
		w.SendRate, w.AckRate = sent/secs, acked/secs
	}
	pub, e2e := recorder.NewHist(), recorder.NewHist()
	for _, iv := range ivs {
		if overlap(iv.start, iv.end, from, to) <= 0 {
			continue
		}
		switch iv.h.Tag() {
		case "publish":
			pub.Merge(iv.h)
		case "e2e":
			e2e.Merge(iv.h)
		}
	}
	w.P99PublishNs = recorder.Summarize(pub).P99
	w.P99E2ENs = recorder.Summarize(e2e).P99
	return w
}

// overlap is the length of [a0, a1) ∩ [b0, b1).
func overlap(a0, a1, b0, b1 float64) float64 { return math.Min(a1, b1) - math.Max(a0, b0) }

// rateBack finds when the per-second rate was back to 90 % of target
// after a fault that started at from.
func rateBack(pts []summary.SeriesPoint, from, target float64, n func(summary.SeriesPoint) int64) *float64 {
	if target <= 0 {
		return nil
	}
	dropped := false
	for _, p := range pts {
		start := p.T - p.Seconds
		if start < from-1e-3 || p.Seconds < 0.5 || p.Phase == summary.PhaseDrain {
			continue
		}
		ok := float64(n(p))/p.Seconds >= 0.9*target
		switch {
		case !ok:
			dropped = true
		case dropped:
			v := start - from
			return &v
		}
	}
	if !dropped {
		v := 0.0
		return &v
	}
	return nil
}

func anomaliesIn(checks map[string]*checker.Check, i int) map[string]int64 {
	var out map[string]int64
	for name, c := range checks {
		if i < len(c.InWindows) && c.InWindows[i] > 0 {
			if out == nil {
				out = map[string]int64{}
			}
			out[name] = c.InWindows[i]
		}
	}
	return out
}

// interval is one histogram of latency.hlog with its start in s since the
// run origin.
type interval struct {
	start, end float64
	h          *hdr.Histogram
}

// readIntervals reads latency.hlog, each interval with its start in s
// since the run origin.
func readIntervals(dir string, originUnixNs int64) ([]interval, error) {
	f, err := os.Open(filepath.Join(dir, summary.HistLogFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The writer stamps intervals relative to the exact origin, but the
	// log's BaseTime line holds whole seconds, which the reader adds back.
	base := float64(originUnixNs/1e9) * 1e3
	r := hdr.NewHistogramLogReader(f)
	var out []interval
	for {
		h, err := r.NextIntervalHistogram()
		if err != nil || h == nil {
			if err != nil && !errors.Is(err, io.EOF) && len(out) == 0 {
				return nil, err
			}
			return out, nil // a torn last line (crash) ends the log
		}
		out = append(out, interval{start: (float64(h.StartTimeMs()) - base) / 1e3,
			end: (float64(h.EndTimeMs()) - base) / 1e3, h: h})
	}
}

// firstAcksAfter scans the send logs once for each fault's first ack at or
// after its start.
func firstAcksAfter(dir string, recs []faults.Record) ([]*float64, error) {
	best := make([]int64, len(recs))
	for i := range best {
		best[i] = math.MaxInt64
	}
	paths, err := oplog.SendPaths(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if err := scanAcks(p, recs, best); err != nil {
			return nil, err
		}
	}
	out := make([]*float64, len(recs))
	for i, b := range best {
		if b != math.MaxInt64 && recs[i].Error == "" {
			v := float64(b)/1e9 - recs[i].Start
			out[i] = &v
		}
	}
	return out, nil
}

func scanAcks(path string, recs []faults.Record, best []int64) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r, err := oplog.NewSendReader(f)
	if err != nil {
		return nil // an empty or torn header: nothing to scan
	}
	var s oplog.Send
	for r.Read(&s) == nil {
		if s.Outcome != oplog.OK {
			continue
		}
		for i, rec := range recs {
			if start := int64(rec.Start * 1e9); s.Done >= start && s.Done < best[i] {
				best[i] = s.Done
			}
		}
	}
	return nil
}
