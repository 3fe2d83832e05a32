package summary

import (
	"strconv"

	"github.com/brokerbench/brokerbench/faults"
)

// FaultStats is one fault with its effect. Times are s; latencies ns.
type FaultStats struct {
	faults.Record
	Before FaultWindow `json:"before"`
	During FaultWindow `json:"during"`
	After  FaultWindow `json:"after"`
	// FirstAckAfterS: from the fault's start to the first ack at or after
	// it; nil when no ack came.
	FirstAckAfterS *float64 `json:"first_ack_after_s"`
	// SendRateBackS / AckRateBackS: from the fault's start until the
	// per-second rate was back to 90 % of the target (the rate before the
	// fault for "max" runs), after having dropped below it; 0 when it never
	// dropped, nil when it never came back.
	SendRateBackS *float64 `json:"send_rate_back_s"`
	AckRateBackS  *float64 `json:"ack_rate_back_s"`
	// Anomalies counts each check's anomalies that happened while the
	// fault was active (by the time of the anomaly).
	Anomalies map[string]int64 `json:"anomalies,omitempty"`
	// KeysAffected counts the distinct message keys with at least one
	// failed or unknown send whose outcome came while the fault was
	// active (keyed workloads only; in a oneway phase every send is
	// unknown, so every key sent then counts). KeysAffectedFirst lists
	// the first MaxKeysListed of them by key id, as sent ("k3").
	KeysAffected      int      `json:"keys_affected,omitempty"`
	KeysAffectedFirst []string `json:"keys_affected_first,omitempty"`
}

// MaxKeysListed is how many affected keys FaultStats.KeysAffectedFirst
// names at most.
const MaxKeysListed = 8

// KeyName is the message key the harness sends for key id: "k<id>".
func KeyName(id uint32) string { return "k" + strconv.FormatUint(uint64(id), 10) }

// FaultWindow is a time span around a fault and what the clients saw in it.
type FaultWindow struct {
	From     float64 `json:"from_s"`
	To       float64 `json:"to_s"`
	SendRate float64 `json:"send_rate"`
	AckRate  float64 `json:"ack_rate"`
	// Failed and Unknown are the send outcomes recorded in the window.
	Failed  int64 `json:"failed"`
	Unknown int64 `json:"unknown"`
	// P50 and P99 of the publish response time and end-to-end latency, in
	// ns, over the per-second interval histograms that mostly lie in the
	// window (1 s resolution; 0 when the window recorded none).
	P50PublishNs int64 `json:"p50_publish_ns"`
	P99PublishNs int64 `json:"p99_publish_ns"`
	P50E2ENs     int64 `json:"p50_e2e_ns"`
	P99E2ENs     int64 `json:"p99_e2e_ns"`
}

// PhaseStats is one workload phase as it ran. Times are s since the run
// origin; rates msg/s; latencies from the interval histograms that
// overlap the phase (1 s resolution), warm-up excluded.
type PhaseStats struct {
	Name string `json:"name"`
	Mode string `json:"mode"`
	// Kind is the phase's message kind; omitted when plain.
	Kind     string  `json:"kind,omitempty"`
	Rate     string  `json:"rate"` // target: msg/s or "max"
	From     float64 `json:"from_s"`
	To       float64 `json:"to_s"`
	SendRate float64 `json:"send_rate"`
	AckRate  float64 `json:"ack_rate"`
	Latency  Latency `json:"latency"`
}
