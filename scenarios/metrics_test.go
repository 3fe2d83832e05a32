package scenarios

import (
	"strings"
	"testing"
)

func TestMetrics(t *testing.T) {
	want := "sent acked failed unknown delivered " +
		"lost unseen recovered aborted_read unexpected duplicate redelivered reorder " +
		"offset_two_values value_two_offsets poll_skip non_monotonic delivered_early " +
		"p50_publish_ms p90_publish_ms p99_publish_ms p999_publish_ms p9999_publish_ms max_publish_ms " +
		"p50_service_ms p90_service_ms p99_service_ms p999_service_ms p9999_service_ms max_service_ms " +
		"p50_e2e_ms p90_e2e_ms p99_e2e_ms p999_e2e_ms p9999_e2e_ms max_e2e_ms " +
		"send_rate ack_rate delivery_rate"
	if got := strings.Join(MetricNames(), " "); got != want {
		t.Errorf("metric names:\n%s\nwant\n%s", got, want)
	}
	for _, m := range Metrics() {
		if m.Doc == "" || m.Unit == "" {
			t.Errorf("metric %s lacks doc or unit", m.Name)
		}
		if strings.HasSuffix(m.Name, "_ms") != (m.Unit == "ms") {
			t.Errorf("metric %s has unit %s", m.Name, m.Unit)
		}
		if got, ok := LookupMetric(m.Name); !ok || got != m {
			t.Errorf("LookupMetric(%s) = %v, %v", m.Name, got, ok)
		}
	}
	if _, ok := LookupMetric("p99"); ok {
		t.Error("LookupMetric(p99) found something")
	}
	ms := Metrics()
	ms[0].Name = "changed"
	if Metrics()[0].Name != "sent" {
		t.Error("Metrics shares its slice")
	}
}
