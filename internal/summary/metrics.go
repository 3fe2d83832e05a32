package summary

import (
	"fmt"
	"strings"

	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/scenarios"
)

// Metric returns the value of an expect: metric (see scenarios.Metrics) in
// s, and whether it could be measured. Latencies are converted to ms.
func (s *Summary) Metric(name string) (v float64, known bool, note string) {
	switch name {
	case "sent":
		return float64(s.Counts.Sent), true, ""
	case "acked":
		return float64(s.Counts.Acked), true, ""
	case "failed":
		return float64(s.Counts.Failed), true, ""
	case "unknown":
		return float64(s.Counts.Unknown), true, ""
	case "delivered":
		return float64(s.Counts.Delivered), true, ""
	case "send_rate", "ack_rate", "delivery_rate":
		return s.rate(name)
	case "delivered_early":
		return s.deliveredEarly()
	}
	if c, ok := s.Checks[name]; ok {
		if c.Verdict == "unknown" && name != "unseen" {
			return float64(c.Count), false, "verdict unknown: " + c.Note
		}
		return float64(c.Count), true, ""
	}
	if p, stat, ok := s.latencyOf(name); ok {
		if p.Count == 0 {
			return 0, false, "no latency samples"
		}
		return float64(stat(p)) / 1e6, true, ""
	}
	return 0, false, fmt.Sprintf("unknown metric %q", name)
}

// deliveredEarly is the delayed section's early count: 0 when deliveries
// came but none of a delayed message, unknown when nothing was delivered.
func (s *Summary) deliveredEarly() (float64, bool, string) {
	switch {
	case s.Delayed != nil:
		return float64(s.Delayed.Early), true, ""
	case s.Counts.Deliveries == 0:
		return 0, false, "nothing was delivered"
	}
	return 0, true, ""
}

func (s *Summary) rate(name string) (float64, bool, string) {
	if s.Throughput.MeasuredSeconds <= 0 {
		return 0, false, "no measured time"
	}
	switch name {
	case "send_rate":
		return s.Throughput.SendRate, true, ""
	case "ack_rate":
		return s.Throughput.AckRate, true, ""
	}
	return s.Throughput.DeliveryRate, true, ""
}

// latencyOf parses pNN_<kind>_ms / max_<kind>_ms.
func (s *Summary) latencyOf(name string) (recorder.Percentiles, func(recorder.Percentiles) int64, bool) {
	parts := strings.Split(name, "_")
	if len(parts) != 3 || parts[2] != "ms" {
		return recorder.Percentiles{}, nil, false
	}
	var p recorder.Percentiles
	switch parts[1] {
	case "publish":
		p = s.Latency.PublishResponse
	case "service":
		p = s.Latency.PublishService
	case "e2e":
		p = s.Latency.EndToEnd
	default:
		return p, nil, false
	}
	stats := map[string]func(recorder.Percentiles) int64{
		"p50":   func(p recorder.Percentiles) int64 { return p.P50 },
		"p90":   func(p recorder.Percentiles) int64 { return p.P90 },
		"p99":   func(p recorder.Percentiles) int64 { return p.P99 },
		"p999":  func(p recorder.Percentiles) int64 { return p.P999 },
		"p9999": func(p recorder.Percentiles) int64 { return p.P9999 },
		"max":   func(p recorder.Percentiles) int64 { return p.Max },
	}
	f, ok := stats[parts[0]]
	return p, f, ok
}

// Evaluate checks every expectation against s. An expectation on a value
// that could not be measured does not hold.
func (s *Summary) Evaluate(exps []scenarios.Expectation) []Expectation {
	out := make([]Expectation, 0, len(exps))
	for _, e := range exps {
		v, known, note := s.Metric(e.Metric)
		out = append(out, Expectation{
			Expect: e.String(), Where: e.Where, Value: v, Known: known,
			Holds: known && e.Holds(v), Note: note,
		})
	}
	return out
}

// AllHold reports whether every expectation holds.
func AllHold(exps []Expectation) bool {
	for _, e := range exps {
		if !e.Holds {
			return false
		}
	}
	return true
}
