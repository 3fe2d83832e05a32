package recorder

import (
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// MaxLatency is the largest latency a histogram holds exactly; larger values
// are recorded as MaxLatency and counted as clamped (reported in the
// summary), so even an hour-long stall is visible in the tail.
const MaxLatency = int64(time.Hour)

// Sig is the histograms' number of significant decimal digits.
const Sig = 3

// NewHist returns an empty latency histogram in ns, 0 .. MaxLatency.
func NewHist() *hdr.Histogram { return hdr.New(1, MaxLatency, Sig) }

// record adds v (ns) to h, clamping it into [0, MaxLatency]; it reports
// whether v had to be clamped.
func record(h *hdr.Histogram, v int64) bool {
	clamped := false
	if v < 0 {
		v, clamped = 0, true
	} else if v > MaxLatency {
		v, clamped = MaxLatency, true
	}
	_ = h.RecordValue(v) // cannot fail inside the range
	return clamped
}

// Percentiles is a latency summary in ns.
type Percentiles struct {
	Count int64   `json:"count"`
	Mean  float64 `json:"mean_ns"`
	Min   int64   `json:"min_ns"`
	P50   int64   `json:"p50_ns"`
	P90   int64   `json:"p90_ns"`
	P99   int64   `json:"p99_ns"`
	P999  int64   `json:"p999_ns"`
	P9999 int64   `json:"p9999_ns"`
	Max   int64   `json:"max_ns"`
}

// Summarize returns the percentiles of h (all zero when h is empty).
func Summarize(h *hdr.Histogram) Percentiles {
	if h == nil || h.TotalCount() == 0 {
		return Percentiles{}
	}
	return Percentiles{
		Count: h.TotalCount(),
		Mean:  h.Mean(),
		Min:   h.Min(),
		P50:   h.ValueAtQuantile(50),
		P90:   h.ValueAtQuantile(90),
		P99:   h.ValueAtQuantile(99),
		P999:  h.ValueAtQuantile(99.9),
		P9999: h.ValueAtQuantile(99.99),
		Max:   h.Max(),
	}
}
