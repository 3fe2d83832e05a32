package faultstats

import (
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// Span is one workload phase's name, mode, message kind ("" for plain),
// target rate, time span (s since the run origin, warm-up already cut off)
// and the messages its producers sent and had acked after warm-up (exact,
// unlike the 1 s series).
type Span struct {
	Name, Mode, Kind, Rate string
	From, To               float64
	Sent, Acked            int64
}

// Phases measures each span: rates from its counts, latencies from the
// histogram log.
func Phases(dir string, originUnixNs int64, spans0 []Span) ([]summary.PhaseStats, error) {
	if len(spans0) == 0 {
		return nil, nil
	}
	spans := make([]span, len(spans0))
	for i, sp := range spans0 {
		spans[i] = span{sp.From, sp.To}
	}
	hists, err := mergeSpans(dir, originUnixNs, spans, []string{"publish", "service", "e2e"})
	if err != nil {
		return nil, err
	}
	out := make([]summary.PhaseStats, len(spans0))
	for i, sp := range spans0 {
		hs := hists[i]
		out[i] = summary.PhaseStats{
			Name: sp.Name, Mode: sp.Mode, Kind: sp.Kind, Rate: sp.Rate, From: sp.From, To: sp.To,
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
