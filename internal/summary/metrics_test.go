package summary

import (
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/scenarios"
)

func sample() *Summary {
	return &Summary{
		Counts:     checker.Counts{Sent: 10, Acked: 9, Failed: 1, Delivered: 8},
		Throughput: Throughput{MeasuredSeconds: 2, SendRate: 5, AckRate: 4.5, DeliveryRate: 4},
		Latency: Latency{
			PublishResponse: recorder.Percentiles{Count: 9, P99: 42_000_000, Max: 1_500_000_000},
			PublishService:  recorder.Percentiles{Count: 9, P999: 2_000_000},
		},
		Checks: map[string]*checker.Check{
			"lost":    {Verdict: "invalid", Count: 1},
			"unseen":  {Verdict: "unknown", Count: 3},
			"reorder": {Verdict: "unknown", Count: 0, Note: "no consumers"},
		},
	}
}

// TestEveryMetricResolves: each metric scenarios accepts has a value source
// here, so an expectation can never silently test nothing.
func TestEveryMetricResolves(t *testing.T) {
	s := sample()
	s.Checks["reorder"].Verdict = "valid"
	for _, c := range append(checker.Names(), "offset_two_values", "value_two_offsets", "poll_skip", "non_monotonic") {
		if _, ok := s.Checks[c]; !ok {
			s.Checks[c] = &checker.Check{Verdict: "valid"}
		}
	}
	s.Latency.EndToEnd.Count = 1
	s.Counts.Deliveries = 8
	for _, m := range scenarios.Metrics() {
		if _, known, note := s.Metric(m.Name); !known {
			t.Errorf("metric %q has no value source: %s", m.Name, note)
		}
	}
}

func TestMetricValues(t *testing.T) {
	s := sample()
	cases := []struct {
		name  string
		v     float64
		known bool
	}{
		{"sent", 10, true}, {"failed", 1, true}, {"delivered", 8, true},
		{"lost", 1, true}, {"unseen", 3, true}, {"reorder", 0, false},
		{"p99_publish_ms", 42, true}, {"max_publish_ms", 1500, true},
		{"p999_service_ms", 2, true}, {"p99_e2e_ms", 0, false},
		{"ack_rate", 4.5, true}, {"nonsense", 0, false},
	}
	for _, c := range cases {
		v, known, _ := s.Metric(c.name)
		if v != c.v || known != c.known {
			t.Errorf("%s = %v (known %v), want %v (known %v)", c.name, v, known, c.v, c.known)
		}
	}
}

func TestEvaluateUnknownNeverHolds(t *testing.T) {
	s := sample()
	exps := []scenarios.Expectation{
		{Metric: "lost", Op: "==", Value: 1},
		{Metric: "reorder", Op: "==", Value: 0},
		{Metric: "p99_publish_ms", Op: "<", Value: 50},
	}
	got := s.Evaluate(exps)
	if !got[0].Holds || got[1].Holds || !got[2].Holds || AllHold(got) {
		t.Fatalf("evaluate: %+v", got)
	}
	if got[1].Note == "" {
		t.Error("an unknown value must say why")
	}
}

// TestDeliveredEarly: the delayed section's early count; 0 when messages
// were delivered but none delayed; unknown when nothing was delivered.
func TestDeliveredEarly(t *testing.T) {
	s := sample()
	if _, known, note := s.Metric("delivered_early"); known || note == "" {
		t.Errorf("nothing delivered: known %v note %q", known, note)
	}
	s.Counts.Deliveries = 8
	if v, known, _ := s.Metric("delivered_early"); !known || v != 0 {
		t.Errorf("no delayed deliveries: %v known %v", v, known)
	}
	s.Delayed = &checker.Delayed{Delivered: 8, Early: 3}
	if v, known, _ := s.Metric("delivered_early"); !known || v != 3 {
		t.Errorf("3 early: %v known %v", v, known)
	}
	got := s.Evaluate([]scenarios.Expectation{{Metric: "delivered_early", Op: "==", Value: 0}, {Metric: "delivered_early", Op: "<=", Value: 3}})
	if got[0].Holds || !got[1].Holds {
		t.Errorf("evaluate: %+v", got)
	}
}
