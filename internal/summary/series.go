package summary

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// Phases of a run, as in SeriesPoint.Phase.
const (
	PhaseWarmup  = "warmup"
	PhaseMeasure = "measure"
	PhaseDrain   = "drain"
)

// SeriesPoint is one line of series.jsonl: what happened during one
// interval (normally one second) ending at T. Counts are per interval.
type SeriesPoint struct {
	T       float64 `json:"t_s"` // end of the interval, s since the run origin
	Seconds float64 `json:"interval_s"`
	Phase   string  `json:"phase"`
	// Stage is the workload phase running at the interval's end (its
	// name; "" for runs before phases existed).
	Stage      string    `json:"stage,omitempty"`
	Sent       int64     `json:"sent"`
	Acked      int64     `json:"acked"`
	Failed     int64     `json:"failed"`
	Unknown    int64     `json:"unknown"`
	Deliveries int64     `json:"deliveries"`
	InFlight   int64     `json:"in_flight"` // at the end of the interval
	Publish    LatencyPt `json:"publish"`   // response time
	Service    LatencyPt `json:"service"`
	E2E        LatencyPt `json:"e2e"`
}

// LatencyPt summarises one interval's latencies, ns.
type LatencyPt struct {
	Count int64 `json:"count"`
	P50   int64 `json:"p50_ns"`
	P90   int64 `json:"p90_ns"`
	P99   int64 `json:"p99_ns"`
	P999  int64 `json:"p999_ns"`
	Max   int64 `json:"max_ns"`
}

// LatencyOf summarises h.
func LatencyOf(h *hdr.Histogram) LatencyPt {
	if h.TotalCount() == 0 {
		return LatencyPt{}
	}
	return LatencyPt{
		Count: h.TotalCount(),
		P50:   h.ValueAtQuantile(50),
		P90:   h.ValueAtQuantile(90),
		P99:   h.ValueAtQuantile(99),
		P999:  h.ValueAtQuantile(99.9),
		Max:   h.Max(),
	}
}

// SeriesWriter appends points to series.jsonl, flushing each one.
type SeriesWriter struct {
	f   *os.File
	enc *json.Encoder
}

// CreateSeries creates dir/series.jsonl.
func CreateSeries(dir string) (*SeriesWriter, error) {
	f, err := os.Create(filepath.Join(dir, SeriesFile))
	if err != nil {
		return nil, err
	}
	return &SeriesWriter{f: f, enc: json.NewEncoder(f)}, nil
}

// Write appends one point (one write syscall: a crash keeps it).
func (w *SeriesWriter) Write(p *SeriesPoint) error { return w.enc.Encode(p) }

// Close closes the file.
func (w *SeriesWriter) Close() error { return w.f.Close() }

// ReadSeries reads dir/series.jsonl; a torn last line (crash) is ignored.
func ReadSeries(dir string) ([]SeriesPoint, error) {
	f, err := os.Open(filepath.Join(dir, SeriesFile))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []SeriesPoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		var p SeriesPoint
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || !moreLines(sc) {
				break
			}
			return out, fmt.Errorf("%s:%d: %w", SeriesFile, line, err)
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// moreLines consumes the scanner: a bad line followed by more lines is a
// real error, a bad last line is a torn write.
func moreLines(sc *bufio.Scanner) bool { return sc.Scan() }
