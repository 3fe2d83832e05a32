package runner

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/internal/units"
)

// seriesLoop writes one point per interval to series.jsonl and the interval
// histograms to latency.hlog, flushes the op logs, and prints the live
// status line. It runs on its own goroutine until stop is closed, then
// writes the last (partial) interval.
type seriesLoop struct {
	rec       *recorder.Recorder
	dir       string
	warmupEnd int64
	sendEnd   atomic.Int64 // MaxInt64 while sending
	stage     atomic.Pointer[string]
	status    io.Writer // nil: no live status
	interval  time.Duration

	series *summary.SeriesWriter
	hlogF  *os.File
	hlog   *hdr.HistogramLogWriter
	prev   recorder.Counters
	prevT  int64
	err    error // first write error
}

func newSeriesLoop(rec *recorder.Recorder, dir string, warmupEnd int64, status io.Writer) (*seriesLoop, error) {
	sw, err := summary.CreateSeries(dir)
	if err != nil {
		return nil, fmt.Errorf("creating series: %w", err)
	}
	f, err := os.Create(filepath.Join(dir, summary.HistLogFile))
	if err != nil {
		sw.Close()
		return nil, fmt.Errorf("creating histogram log: %w", err)
	}
	hw := hdr.NewHistogramLogWriter(f)
	originMs := rec.Origin().UnixMilli()
	hw.SetBaseTime(originMs)
	_ = hw.OutputLogFormatVersion()
	_ = hw.OutputComment("brokerbench interval histograms, values in ns; tags: publish (response time), service, e2e")
	_ = hw.OutputStartTime(originMs)
	_ = hw.OutputBaseTime(originMs)
	_ = hw.OutputLegend()
	s := &seriesLoop{
		rec: rec, dir: dir, warmupEnd: warmupEnd, status: status,
		interval: time.Second, series: sw, hlogF: f, hlog: hw,
	}
	s.sendEnd.Store(math.MaxInt64)
	return s, nil
}

// sendEnded marks the end of sending: later intervals are the drain.
func (s *seriesLoop) sendEnded(at int64) { s.sendEnd.Store(at) }

// setStage names the workload phase that is running.
func (s *seriesLoop) setStage(name string) { s.stage.Store(&name) }

// run ticks until stop is closed; done is closed when the last point is out.
func (s *seriesLoop) run(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(s.interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			s.tick()
			return
		case <-t.C:
			s.tick()
		}
	}
}

func (s *seriesLoop) tick() {
	now := s.rec.Now()
	iv := s.rec.TakeInterval()
	c := iv.Counters
	p := summary.SeriesPoint{
		T:          float64(now) / 1e9,
		Seconds:    float64(now-s.prevT) / 1e9,
		Phase:      s.phase(s.prevT),
		Stage:      s.stageName(),
		Sent:       c.Sent - s.prev.Sent,
		Acked:      c.Acked - s.prev.Acked,
		Failed:     c.Failed - s.prev.Failed,
		Unknown:    c.Unknown - s.prev.Unknown,
		Deliveries: c.Deliveries - s.prev.Deliveries,
		InFlight:   c.InFlight(),
		Publish:    summary.LatencyOf(iv.Publish),
		Service:    summary.LatencyOf(iv.Service),
		E2E:        summary.LatencyOf(iv.E2E),
	}
	s.keep(s.series.Write(&p))
	start := s.rec.Origin().Add(time.Duration(s.prevT)).UnixMilli()
	end := s.rec.Origin().Add(time.Duration(now)).UnixMilli()
	for _, th := range []struct {
		tag string
		h   *hdr.Histogram
	}{{"publish", iv.Publish}, {"service", iv.Service}, {"e2e", iv.E2E}} {
		th.h.SetTag(th.tag)
		th.h.SetStartTimeMs(start)
		th.h.SetEndTimeMs(end)
		s.keep(s.hlog.OutputIntervalHistogram(th.h))
	}
	s.keep(s.rec.Flush())
	s.prev, s.prevT = c, now
	if s.status != nil {
		fmt.Fprintln(s.status, statusLine(&p, c))
	}
}

func (s *seriesLoop) phase(t int64) string {
	switch {
	case t < s.warmupEnd:
		return summary.PhaseWarmup
	case t < s.sendEnd.Load():
		return summary.PhaseMeasure
	}
	return summary.PhaseDrain
}

func (s *seriesLoop) stageName() string {
	if p := s.stage.Load(); p != nil {
		return *p
	}
	return ""
}

func (s *seriesLoop) keep(err error) {
	if err != nil && s.err == nil {
		s.err = err
	}
}

// close closes the files and returns the first write error.
func (s *seriesLoop) close() error {
	s.keep(s.series.Close())
	s.keep(s.hlogF.Close())
	return s.err
}

// statusLine is the one-line live status printed every second.
func statusLine(p *summary.SeriesPoint, c recorder.Counters) string {
	rate := 0.0
	if p.Seconds > 0 {
		rate = float64(p.Sent) / p.Seconds
	}
	return fmt.Sprintf("%6.0fs %-7s send %8.0f/s  acked %d  failed %d  unknown %d  in flight %d  delivered %d  p99 publish %s",
		p.T, p.Phase, rate, c.Acked, c.Failed, c.Unknown, c.InFlight(), c.Deliveries, units.NsZero(p.Publish.P99))
}
