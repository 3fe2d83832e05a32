package scenarios

// Metric is a number a run produces that an expectation may test.
type Metric struct {
	Name string // as written in expect:, e.g. "p99_publish_ms"
	Unit string // "messages", "ms" or "msg/s"
	Doc  string // one line
}

// latencyKinds are the three latencies, each with percentiles and max.
var latencyKinds = []struct{ name, doc string }{
	{"publish", "response time, intended send to ack (includes waiting behind a stalled broker)"},
	{"service", "service time, actual send to ack"},
	{"e2e", "end to end, intended send to first delivery"},
}

var latencyStats = []struct{ prefix, doc string }{
	{"p50", "median"},
	{"p90", "90th percentile"},
	{"p99", "99th percentile"},
	{"p999", "99.9th percentile"},
	{"p9999", "99.99th percentile"},
	{"max", "maximum"},
}

var metrics = buildMetrics()

func buildMetrics() []Metric {
	msgs := func(name, doc string) Metric { return Metric{name, "messages", doc} }
	out := []Metric{
		msgs("sent", "messages the producers sent (measured and warmup)"),
		msgs("acked", "sends the broker acknowledged"),
		msgs("failed", "sends that definitely failed (not written)"),
		msgs("unknown", "sends with no known outcome (timeout, connection lost, oneway)"),
		msgs("delivered", "distinct messages the consumers received"),
		msgs("lost", "acked messages never delivered after a quiet drain"),
		msgs("unseen", "acked messages not delivered yet when the drain timed out"),
		msgs("recovered", "sends with unknown outcome that were delivered (not an error)"),
		msgs("aborted_read", "messages delivered although their send definitely failed"),
		msgs("unexpected", "deliveries never sent, or corrupted"),
		msgs("duplicate", "extra deliveries the broker made without marking them redelivered"),
		msgs("redelivered", "extra deliveries the broker marked as redelivered (allowed)"),
		msgs("reorder", "messages of one producer and key delivered before an earlier acked one"),
		// Log checks: only for drivers over partitioned logs with offsets (Kafka).
		msgs("offset_two_values", "log: offsets at which two different messages were delivered"),
		msgs("value_two_offsets", "log: messages delivered at two different offsets (stored twice)"),
		msgs("poll_skip", "log: offset jumps in one consumer's reads past offsets nobody read"),
		msgs("non_monotonic", "log: a consumer's offsets going back outside a rebalance"),
		// Delayed messages (kind delayed): 0 when there were none.
		msgs("delivered_early", "delayed messages first delivered before their intended send time plus their delay"),
	}
	for _, k := range latencyKinds {
		for _, s := range latencyStats {
			out = append(out, Metric{s.prefix + "_" + k.name + "_ms", "ms", s.doc + " " + k.doc})
		}
	}
	return append(out,
		Metric{"send_rate", "msg/s", "messages sent per second over the measured part"},
		Metric{"ack_rate", "msg/s", "acks per second over the measured part"},
		Metric{"delivery_rate", "msg/s", "deliveries per second over the measured part"},
	)
}

// Metrics lists the metrics an expectation may test, in a stable order:
// counts, checks, delivered_early, latencies (publish, service, e2e), throughput.
func Metrics() []Metric {
	return append([]Metric(nil), metrics...)
}

// MetricNames lists the names of Metrics, in the same order.
func MetricNames() []string {
	names := make([]string, len(metrics))
	for i, m := range metrics {
		names[i] = m.Name
	}
	return names
}

// LookupMetric returns the metric called name.
func LookupMetric(name string) (Metric, bool) {
	for _, m := range metrics {
		if m.Name == name {
			return m, true
		}
	}
	return Metric{}, false
}
