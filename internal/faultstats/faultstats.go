// Package faultstats measures what each fault of a run did to the clients:
// throughput and p50 / p99 latency (publish and end-to-end) before, during
// and after it, the time to the first ack after it began, the time until
// the rate was back to 90 % of target, the anomalies that happened while
// it was active and the keys whose sends failed or went unknown
// meanwhile. It reads only the run directory (series.jsonl, latency.hlog,
// the op logs), streaming the histogram log once, so it works on stored
// runs of any length.
package faultstats

import (
	"errors"
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
		from, to := spanOf(r, sendEnd)
		out[i] = checker.Window{Start: int64(from * 1e9), End: int64(to * 1e9)}
	}
	return out
}

// spanOf is the active interval of r in s.
func spanOf(r faults.Record, sendEnd float64) (float64, float64) {
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
	keys := newKeyTally(in.Records, in.SendEnd)
	firstAcks, err := firstAcksAfter(dir, in.Records, keys)
	if err != nil {
		return nil, err
	}
	out := make([]Stats, len(in.Records))
	var spans []span
	for i, r := range in.Records {
		out[i] = Stats{Record: r, FirstAckAfterS: firstAcks[i], Anomalies: anomaliesIn(in.Checks, i)}
		out[i].KeysAffected, out[i].KeysAffectedFirst = keys.result(i)
		from, to := spanOf(r, in.SendEnd)
		if to <= from {
			spans = append(spans, span{}, span{}, span{})
			continue
		}
		l := math.Max(to-from, 1)
		spans = append(spans, span{math.Max(from-l, in.MeasureStart), from}, span{from, to},
			span{to, math.Min(to+l, in.SendEnd)})
		target := in.TargetRate
		if target == 0 {
			target = measure(pts, nil, spans[3*i].from, spans[3*i].to).SendRate
		}
		out[i].SendRateBackS = rateBack(pts, from, target, func(p summary.SeriesPoint) int64 { return p.Sent })
		out[i].AckRateBackS = rateBack(pts, from, target, func(p summary.SeriesPoint) int64 { return p.Acked })
	}
	hists, err := mergeSpans(dir, in.OriginUnixNs, spans, []string{"publish", "e2e"})
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Before = measure(pts, hists[3*i], spans[3*i].from, spans[3*i].to)
		out[i].During = measure(pts, hists[3*i+1], spans[3*i+1].from, spans[3*i+1].to)
		out[i].After = measure(pts, hists[3*i+2], spans[3*i+2].from, spans[3*i+2].to)
	}
	return out, nil
}

// measure sums what the series recorded in [from, to): each point counts
// in proportion to how much of its interval overlaps the window. hists are
// the window's merged interval histograms by tag (see mergeSpans; nil: no
// latencies).
func measure(pts []summary.SeriesPoint, hists map[string]*hdr.Histogram, from, to float64) Window {
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
	pub, e2e := recorder.Summarize(hists["publish"]), recorder.Summarize(hists["e2e"])
	w.P50PublishNs, w.P99PublishNs = pub.P50, pub.P99
	w.P50E2ENs, w.P99E2ENs = e2e.P50, e2e.P99
	return w
}

// mostlyIn reports whether the interval [start, end) belongs to sp: at
// least half of it lies in sp, or sp lies within it (a span shorter than
// an interval still gets that interval).
func mostlyIn(start, end float64, sp span) bool {
	if sp.to <= sp.from {
		return false
	}
	ov := overlap(start, end, sp.from, sp.to)
	return ov > 0 && (ov >= (end-start)/2 || ov >= (sp.to-sp.from)*0.999)
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

// span is a time window in s since the run origin.
type span struct{ from, to float64 }

// mergeSpans streams latency.hlog once and merges every interval histogram
// with one of tags into each span it mostly lies in (1 s resolution: a
// span shorter than an interval gets the whole interval). It keeps one
// histogram per span and tag, never the whole log.
func mergeSpans(dir string, originUnixNs int64, spans []span, tags []string) ([]map[string]*hdr.Histogram, error) {
	out := make([]map[string]*hdr.Histogram, len(spans))
	for i := range out {
		out[i] = map[string]*hdr.Histogram{}
		for _, t := range tags {
			out[i][t] = recorder.NewHist()
		}
	}
	f, err := os.Open(filepath.Join(dir, summary.HistLogFile))
	if errors.Is(err, os.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The writer stamps intervals relative to the exact origin, but the
	// log's BaseTime line holds whole seconds, which the reader adds back.
	base := float64(originUnixNs/1e9) * 1e3
	r := hdr.NewHistogramLogReader(f)
	for {
		h, err := r.NextIntervalHistogram()
		if err != nil || h == nil {
			return out, nil // the end, or a torn last line (crash)
		}
		start := (float64(h.StartTimeMs()) - base) / 1e3
		end := (float64(h.EndTimeMs()) - base) / 1e3
		for i, sp := range spans {
			if dst, ok := out[i][h.Tag()]; ok && mostlyIn(start, end, sp) {
				dst.Merge(h)
			}
		}
	}
}

// firstAcksAfter scans the send logs once for each fault's first ack at or
// after its start; every send also goes to keys.
func firstAcksAfter(dir string, recs []faults.Record, keys *keyTally) ([]*float64, error) {
	best := make([]int64, len(recs))
	for i := range best {
		best[i] = math.MaxInt64
	}
	paths, err := oplog.SendPaths(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if err := scanAcks(p, recs, best, keys); err != nil {
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

func scanAcks(path string, recs []faults.Record, best []int64, keys *keyTally) error {
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
		keys.add(&s)
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
