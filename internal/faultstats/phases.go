package faultstats

import (
	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// Span is one workload phase's name, mode, target rate, time span (s since
// the run origin, warm-up already cut off) and the messages its producers
// sent and had acked after warm-up (exact, unlike the 1 s series).
type Span struct {
	Name, Mode, Rate string
	From, To         float64
	Sent, Acked      int64
}

// Phases measures each span: rates from its counts, latencies from the
// histogram log.
func Phases(dir string, originUnixNs int64, spans []Span) ([]summary.PhaseStats, error) {
	if len(spans) == 0 {
		return nil, nil
	}
	ivs, err := readIntervals(dir, originUnixNs)
	if err != nil {
		return nil, err
	}
	out := make([]summary.PhaseStats, len(spans))
	for i, sp := range spans {
		hs := map[string]*hdr.Histogram{"publish": recorder.NewHist(), "service": recorder.NewHist(), "e2e": recorder.NewHist()}
		for _, iv := range ivs {
			if h, ok := hs[iv.h.Tag()]; ok && overlap(iv.start, iv.end, sp.From, sp.To) > 0 {
				h.Merge(iv.h)
			}
		}
		out[i] = summary.PhaseStats{
			Name: sp.Name, Mode: sp.Mode, Rate: sp.Rate, From: sp.From, To: sp.To,
			SendRate: rate(sp.Sent, sp.To-sp.From), AckRate: rate(sp.Acked, sp.To-sp.From),
			Latency: summary.Latency{
				PublishResponse: recorder.Summarize(hs["publish"]),
				PublishService:  recorder.Summarize(hs["service"]),
				EndToEnd:        recorder.Summarize(hs["e2e"]),
			},
		}
	}
	return out, nil
}

func rate(n int64, secs float64) float64 {
	if secs <= 0 {
		return 0
	}
	return float64(n) / secs
}
