package checker

import (
	"fmt"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Delayed is what the checker found about delayed messages (kind
// delayed): their first deliveries measured against the message's
// intended send time (the envelope's) plus the delay it was sent with.
// Since the broker's clock can only start at the actual send, which is
// never before the intended time, a broker that honours the delay is
// never counted early; waiting in the harness before the send (a stalled
// broker, a full window) counts as lateness. Warm-up messages are
// included, as in the checks. Times are ms.
type Delayed struct {
	// Delivered counts the delayed messages delivered at least once (the
	// first delivery of each is measured).
	Delivered int64 `json:"delivered"`
	// Early counts those first delivered before intended + delay: an
	// anomaly, "delivered early".
	Early int64 `json:"early"`
	// EarliestByMs is the most any of them came before intended + delay,
	// ms; 0 when none was early.
	EarliestByMs float64 `json:"earliest_by_ms"`
	// LatenessMs is the distribution of delivery − (intended + delay) over
	// the deliveries that were not early, ms.
	LatenessMs Lateness `json:"lateness_ms"`
	// Examples are the first early deliveries in processing order, at most
	// Options.MaxExamples.
	Examples []Example `json:"examples,omitempty"`
	// InWindows counts the early deliveries in each of Options.Windows
	// (empty when no window was given or none had one).
	InWindows []int64 `json:"in_windows,omitempty"`
}

// Lateness is a lateness distribution in ms (HdrHistogram, 3 significant
// digits; values above MaxLateness are counted as MaxLateness).
type Lateness struct {
	Count int64   `json:"count"`
	P50   float64 `json:"p50"`
	P90   float64 `json:"p90"`
	P99   float64 `json:"p99"`
	P999  float64 `json:"p999"`
	Max   float64 `json:"max"`
}

// MaxLateness is the largest lateness the histogram holds; larger values
// are recorded as it.
const MaxLateness = 24 * time.Hour

// delayedTally accumulates Delayed during a run.
type delayedTally struct {
	delivered  int64
	early      tally
	earliestBy int64 // ns
	lateness   *hdr.Histogram
}

// onDelayed measures the first delivery d of a delayed message.
func (r *run) onDelayed(d *oplog.Delivery) {
	t := &r.delayed
	t.delivered++
	due := d.Intended + d.Delay
	if d.Time < due {
		by := due - d.Time
		t.earliestBy = max(t.earliestBy, by)
		t.early.count++
		r.window(&t.early, d.Time)
		if len(t.early.examples) < r.opts.MaxExamples {
			t.early.examples = append(t.early.examples, deliveryExample(d, fmt.Sprintf(
				"delivered %s before its intended send time + delay %s", time.Duration(by), time.Duration(d.Delay))))
		}
		return
	}
	if t.lateness == nil {
		t.lateness = hdr.New(1, int64(MaxLateness), 3)
	}
	_ = t.lateness.RecordValue(min(d.Time-due, int64(MaxLateness))) // cannot fail inside the range
}

// result is nil when no delayed message was delivered.
func (t *delayedTally) result() *Delayed {
	if t.delivered == 0 {
		return nil
	}
	out := &Delayed{
		Delivered: t.delivered, Early: t.early.count, EarliestByMs: ms(t.earliestBy),
		Examples: t.early.examples, InWindows: t.early.inWindows,
	}
	if h := t.lateness; h != nil {
		out.LatenessMs = Lateness{
			Count: h.TotalCount(), P50: ms(h.ValueAtQuantile(50)), P90: ms(h.ValueAtQuantile(90)),
			P99: ms(h.ValueAtQuantile(99)), P999: ms(h.ValueAtQuantile(99.9)), Max: ms(h.Max()),
		}
	}
	return out
}

// ms converts ns to ms.
func ms(ns int64) float64 { return float64(ns) / 1e6 }
