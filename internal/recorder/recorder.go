// Package recorder turns what producers and consumers observe into the run's
// measurements: HdrHistograms (one set per shard of producers and per
// consumer, merged on demand), per-second intervals, live counters, and the
// op logs the checkers read.
//
// Latencies are ns. Publish response time runs from the intended send time
// (the pacer's schedule) to the ack, publish service time from the actual
// send call to the ack, end-to-end latency from the intended send time to
// the delivery. Messages sent during warm-up are logged and checked but kept
// out of the cumulative histograms and the measured counters.
package recorder

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/progress"
)

// Config configures a Recorder.
type Config struct {
	Dir       string    // run directory; op logs go to Dir/ops
	Producers int       // number of producers
	Consumers int       // number of consumers
	Origin    time.Time // the run's time origin (monotonic)
	MaxShards int       // producer histogram shards; default 8
}

// Recorder is safe for concurrent use through its Producer and Consumer
// handles. Close it once every producer and consumer has stopped.
type Recorder struct {
	cfg     Config
	origin  time.Time
	shards  []*shard
	prods   []*Producer
	cons    []*Consumer
	tracker *progress.Tracker
	subs    []*progress.Tracker // one per consumer after SetBroadcast, else nil
	files   []*os.File
	// warmupEnd: ns since origin; messages intended before it are warm-up.
	// Until SetWarmupEnd is called everything counts as warm-up.
	warmupEnd atomic.Int64
}

// shard guards the histograms of some producers and their op-log writers.
type shard struct {
	mu      sync.Mutex
	cum     [2]*hdr.Histogram // publish response, service: measured part
	iv      [2]*hdr.Histogram // current interval, warm-up included
	clamped int64
	prods   []*Producer
}

// New creates the op-log files in cfg.Dir/ops and returns a recorder.
func New(cfg Config) (*Recorder, error) {
	if cfg.MaxShards <= 0 {
		cfg.MaxShards = 8
	}
	if err := os.MkdirAll(filepath.Join(cfg.Dir, oplog.Dir), 0o755); err != nil {
		return nil, fmt.Errorf("creating op-log directory: %w", err)
	}
	r := &Recorder{cfg: cfg, origin: cfg.Origin, tracker: progress.New(cfg.Producers)}
	r.warmupEnd.Store(math.MaxInt64)
	n := min(cfg.Producers, cfg.MaxShards)
	for i := 0; i < n; i++ {
		r.shards = append(r.shards, &shard{
			cum: [2]*hdr.Histogram{NewHist(), NewHist()},
			iv:  [2]*hdr.Histogram{NewHist(), NewHist()},
		})
	}
	for i := 0; i < cfg.Producers; i++ {
		if err := r.openProducer(i); err != nil {
			r.Close()
			return nil, err
		}
	}
	for i := 0; i < cfg.Consumers; i++ {
		if err := r.openConsumer(i); err != nil {
			r.Close()
			return nil, err
		}
	}
	return r, nil
}

func (r *Recorder) create(path string) (*os.File, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("creating op log: %w", err)
	}
	r.files = append(r.files, f)
	return f, nil
}

// Now returns ns since the run origin (monotonic).
func (r *Recorder) Now() int64 { return int64(time.Since(r.origin)) }

// Origin returns the run's time origin.
func (r *Recorder) Origin() time.Time { return r.origin }

// WarmupEnd returns the end of warm-up in ns since the origin.
func (r *Recorder) WarmupEnd() int64 { return r.warmupEnd.Load() }

// SetWarmupEnd sets the end of warm-up (ns since the origin); call it
// before the first message is sent.
func (r *Recorder) SetWarmupEnd(ns int64) { r.warmupEnd.Store(ns) }

// Tracker returns the live delivery tracker over all consumers (a
// message counts as delivered once any consumer got it); the drain asks
// Complete, which also covers broadcasting runs.
func (r *Recorder) Tracker() *progress.Tracker { return r.tracker }

// Producer returns the handle of producer id.
func (r *Recorder) Producer(id int) *Producer { return r.prods[id] }

// Consumer returns the handle of consumer id.
func (r *Recorder) Consumer(id int) *Consumer { return r.cons[id] }

// Flush writes every buffered op-log record to its file, so a crash keeps
// what was measured up to now.
func (r *Recorder) Flush() error {
	var first error
	for _, sh := range r.shards {
		sh.mu.Lock()
		for _, p := range sh.prods {
			if err := p.log.Flush(); err != nil && first == nil {
				first = err
			}
		}
		sh.mu.Unlock()
	}
	for _, c := range r.cons {
		c.mu.Lock()
		if err := c.log.Flush(); err != nil && first == nil {
			first = err
		}
		c.mu.Unlock()
	}
	return first
}

// Close flushes and closes the op logs.
func (r *Recorder) Close() error {
	first := r.Flush()
	for _, f := range r.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	r.files = nil
	return first
}

// Totals returns merged copies of the cumulative (measured-part) histograms:
// publish response time, publish service time, end-to-end latency, and the
// number of values that had to be clamped.
func (r *Recorder) Totals() (resp, svc, e2e *hdr.Histogram, clamped int64) {
	resp, svc, e2e = NewHist(), NewHist(), NewHist()
	for _, sh := range r.shards {
		sh.mu.Lock()
		resp.Merge(sh.cum[0])
		svc.Merge(sh.cum[1])
		clamped += sh.clamped
		sh.mu.Unlock()
	}
	for _, c := range r.cons {
		c.mu.Lock()
		e2e.Merge(c.cum)
		clamped += c.clamped
		c.mu.Unlock()
	}
	return resp, svc, e2e, clamped
}

// Counters is a snapshot of the live counters.
type Counters struct {
	Sent, Acked, Failed, Unknown, Deliveries int64
	// Measured* count only messages intended after warm-up.
	MeasuredSent, MeasuredAcked, MeasuredDeliveries int64
}

// InFlight is the number of sends whose outcome is not known yet.
func (c Counters) InFlight() int64 { return c.Sent - c.Acked - c.Failed - c.Unknown }

// Counters sums the live counters of every producer and consumer.
func (r *Recorder) Counters() Counters {
	var c Counters
	for _, p := range r.prods {
		c.Sent += p.sent.Load()
		c.Acked += p.acked.Load()
		c.Failed += p.failed.Load()
		c.Unknown += p.unknown.Load()
		c.MeasuredSent += p.mSent.Load()
		c.MeasuredAcked += p.mAcked.Load()
	}
	for _, cs := range r.cons {
		c.Deliveries += cs.deliveries.Load()
		c.MeasuredDeliveries += cs.mDeliveries.Load()
	}
	return c
}
