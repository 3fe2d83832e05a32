package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/faultstats"
	"github.com/brokerbench/brokerbench/internal/logcheck"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/scenarios"
)

// finish closes whatever was opened, runs the checkers over the op logs and
// writes summary.json. It runs after success, failure and panic alike.
func (r *run) finish() (*summary.Summary, error) {
	var errs []error
	keep := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for i, c := range r.cons {
		if err := c.Close(); err != nil {
			keep(fmt.Errorf("closing consumer %d: %w", i, err))
		}
	}
	r.healAll() // again: after a panic or an early error the workload did not
	events := r.driverEvents()
	counters := r.driverCounters()
	if r.drv != nil {
		keep(r.safely("closing driver", r.drv.Close))
	}
	if r.proxy != nil {
		r.proxy.Close()
	}
	if r.cluster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), healTimeout)
		err := r.safely("closing cluster", func() error { return r.cluster.Close(ctx) })
		cancel()
		keep(err)
		if err == nil {
			keep(r.journal.Append(faults.Entry{Op: faults.OpClosed}))
		}
	}
	keep(r.journal.Close())
	if r.series != nil {
		keep(r.series.close())
	}
	s := r.baseSummary()
	if r.rec != nil {
		keep(r.rec.Close())
		r.measure(s)
		var recs []faults.Record
		if r.nemesis != nil {
			recs = r.nemesis.Records()
			keep(r.nemesis.Close())
		}
		sendEnd := float64(r.sendEnd) / 1e9
		res, err := checker.CheckDir(r.dir, checker.Options{DrainEnd: r.drainEnd, Consumers: r.sc.Workload.Consumers,
			Windows: faultstats.Windows(recs, sendEnd), Broadcast: r.bcast})
		keep(err)
		s.Phases, err = faultstats.Phases(r.dir, r.rec.Origin().UnixNano(), r.phaseSpans())
		keep(err)
		if res != nil {
			s.Counts, s.Checks, s.ChecksTruncated, s.Delayed = res.Counts, res.Checks, res.Truncated, res.Delayed
			s.Subscribers = res.Subscribers
		}
		keep(r.logChecks(s, events))
		s.Faults, err = faultstats.Compute(r.dir, faultstats.Input{
			Records: recs, Checks: withEarly(s.Checks, s.Delayed), TargetRate: s.Throughput.TargetRate,
			MeasureStart: float64(r.warmupEnd) / 1e9, SendEnd: sendEnd, OriginUnixNs: r.rec.Origin().UnixNano(),
		})
		keep(err)
	}
	keep(r.writeEvents(events))
	s.Errors = r.errs.list()
	s.Events, s.EventsDropped = capEvents(events)
	s.DriverCounters = counters
	r.mu.Lock()
	if r.failure != nil {
		s.Error = r.failure.Error()
	}
	r.mu.Unlock()
	s.Complete = s.Error == "" && !r.interrupted.Load() && len(errs) == 0
	s.Expectations = s.Evaluate(r.sc.Expect)
	s.Passed = s.Complete && summary.AllHold(s.Expectations)
	s.Harness.Warnings = r.warnings(s)
	if len(errs) > 0 && s.Error == "" {
		s.Error = errs[0].Error()
	}
	keep(summary.Write(r.dir, s))
	if len(errs) > 0 {
		return s, errs[0]
	}
	return s, nil
}

func (r *run) baseSummary() *summary.Summary {
	w := &r.sc.Workload
	rate := "max"
	if !w.Rate.Max {
		rate = fmt.Sprintf("%g", w.Rate.PerSecond)
	}
	parts := 0
	for _, d := range r.sc.Destinations {
		if d.Name == w.Destination {
			parts = d.Partitions
		}
	}
	return &summary.Summary{
		Schema: summary.Schema, Scenario: r.sc.Name, RunID: r.id,
		Started:     r.started.UTC().Format(time.RFC3339Nano),
		Ended:       time.Now().UTC().Format(time.RFC3339Nano),
		Interrupted: r.interrupted.Load(),
		Driver:      r.driverInfo(),
		Environment: summary.CurrentEnvironment(),
		Workload: summary.Workload{
			Mode: w.Mode.String(), Kind: kindName(w.Kind), Rate: rate, Producers: w.Producers, Consumers: w.Consumers,
			Window: w.Window, MessageSize: w.MessageSize, Keys: w.Keys.Count, Partitions: parts,
			Warmup: w.Warmup.Seconds(), Duration: w.Duration.Seconds(), Broadcast: r.bcast,
		},
		Drain:   summary.Drain{End: r.drainEnd, Seconds: r.drainSecs},
		Cluster: r.cinfo,
		Checks:  map[string]*checker.Check{},
	}
}

// measure fills throughput and latency from the recorder.
func (r *run) measure(s *summary.Summary) {
	resp, svc, e2e, clamped := r.rec.Totals()
	s.Latency = summary.Latency{
		PublishResponse: recorder.Summarize(resp), PublishService: recorder.Summarize(svc), EndToEnd: recorder.Summarize(e2e),
	}
	c := r.rec.Counters()
	end := min(r.rec.Now(), r.sendEnd)
	secs := float64(end-r.warmupEnd) / 1e9
	if r.sendEnd == 0 || secs < 0 {
		secs = 0
	}
	s.Throughput.MeasuredSeconds = secs
	if secs > 0 {
		s.Throughput.SendRate = float64(c.MeasuredSent) / secs
		s.Throughput.AckRate = float64(c.MeasuredAcked) / secs
		s.Throughput.DeliveryRate = float64(c.MeasuredDeliveries) / secs
	}
	s.Throughput.TargetRate = targetRate(r.sc.Workload.EffectivePhases())
	s.Harness.Clamped = clamped
	s.Harness.CPUUtilization = r.usage.utilization()
}

// warnings says when the numbers may not mean what they seem.
func (r *run) warnings(s *summary.Summary) []string {
	var w []string
	if u := s.Harness.CPUUtilization; u > 0.85 {
		w = append(w, fmt.Sprintf("the process used %.0f%% of all CPU cores: the harness (and any embedded broker) may be the bottleneck", u*100))
	}
	t := s.Throughput
	if t.TargetRate > 0 && s.Complete && t.SendRate < 0.95*t.TargetRate {
		w = append(w, fmt.Sprintf("send rate %.0f/s is below the target %.0f/s: the broker or the harness could not keep up (response times include the wait)", t.SendRate, t.TargetRate))
	}
	if s.Harness.Clamped > 0 {
		w = append(w, fmt.Sprintf("%d latencies exceeded the histogram range and were recorded as its maximum (1 h)", s.Harness.Clamped))
	}
	if r.abandoned > 0 {
		w = append(w, fmt.Sprintf("%d sends had no outcome %s after sending stopped and were recorded as unknown", r.abandoned, r.sc.Workload.SendTimeout))
	}
	if s.Driver.StandIn != "" {
		w = append(w, "the broker is a stand-in: "+s.Driver.StandIn)
	}
	return w
}

// driverEvents collects the driver's events (reconnects, rebalances),
// before the driver is closed.
func (r *run) driverEvents() []drivers.Event {
	src, ok := r.drv.(drivers.EventSource)
	if !ok {
		return nil
	}
	var evs []drivers.Event
	if err := r.safely("reading driver events", func() error { evs = src.Events(); return nil }); err != nil {
		r.setFailure(err)
	}
	return evs
}

// driverCounters reads the driver's counters (drivers.Counters) once,
// after every producer and consumer closed and before the driver closes;
// nil when it counts nothing.
func (r *run) driverCounters() map[string]int64 {
	src, ok := r.drv.(drivers.Counters)
	if !ok {
		return nil
	}
	var cs map[string]int64
	if err := r.safely("reading driver counters", func() error { cs = src.Counters(); return nil }); err != nil {
		r.setFailure(err)
	}
	if len(cs) == 0 {
		return nil
	}
	return cs
}

// withEarly adds the early deliveries of delayed messages to checks as
// "delivered_early", so each fault's anomalies count those that happened
// while it was active; checks itself is not changed.
func withEarly(checks map[string]*checker.Check, d *checker.Delayed) map[string]*checker.Check {
	if d == nil || len(d.InWindows) == 0 {
		return checks
	}
	out := make(map[string]*checker.Check, len(checks)+1)
	for k, v := range checks {
		out[k] = v
	}
	out["delivered_early"] = &checker.Check{Verdict: checker.VerdictInvalid, Count: d.Early, InWindows: d.InWindows}
	return out
}

// kindName is the summary spelling of a message kind: "" for plain.
func kindName(k drivers.Kind) string {
	if k.Normal() == drivers.KindPlain {
		return ""
	}
	return string(k)
}

// maxSummaryEvents caps the events copied into summary.json; events.jsonl
// has them all.
const maxSummaryEvents = 1000

func capEvents(evs []drivers.Event) ([]drivers.Event, int) {
	if len(evs) <= maxSummaryEvents {
		return evs, 0
	}
	return evs[:maxSummaryEvents], len(evs) - maxSummaryEvents
}

// writeEvents stores the distinct client errors and the driver's events in
// events.jsonl.
func (r *run) writeEvents(events []drivers.Event) error {
	f, err := os.Create(filepath.Join(r.dir, summary.EventsFile))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(f)
	for _, e := range r.errs.list() {
		if err := enc.Encode(map[string]any{"type": "error", "error": e}); err != nil {
			f.Close()
			return err
		}
	}
	origin := time.Time{}
	if r.rec != nil {
		origin = r.rec.Origin()
	}
	for _, e := range events {
		line := map[string]any{"type": "driver", "event": e}
		if !origin.IsZero() {
			line["t_s"] = e.Time.Sub(origin).Seconds()
		}
		if err := enc.Encode(line); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// phaseSpans are the phases that ran, for per-phase stats (none when the
// scenario has no explicit phases).
func (r *run) phaseSpans() []faultstats.Span {
	if len(r.sc.Workload.Phases) == 0 {
		return nil
	}
	out := make([]faultstats.Span, len(r.phases))
	for i, p := range r.phases {
		rate := "max"
		if !p.phase.Rate.Max {
			rate = fmt.Sprintf("%g", p.phase.Rate.PerSecond)
		}
		out[i] = faultstats.Span{Name: p.phase.Name, Mode: p.phase.Mode.String(), Kind: kindName(p.phase.Kind), Rate: rate,
			From: float64(max(p.start, r.warmupEnd)) / 1e9, To: float64(p.end) / 1e9}
		for _, id := range p.producers {
			sent, acked := r.rec.Producer(id).Measured()
			out[i].Sent += sent
			out[i].Acked += acked
		}
	}
	return out
}

// logChecks runs the log checks (Kafka-like drivers) and adds them to the
// summary's checks.
func (r *run) logChecks(s *summary.Summary, events []drivers.Event) error {
	ld, ok := r.drv.(drivers.LogDriver)
	if !ok || !ld.LogOffsets() || r.sc.Workload.Consumers == 0 {
		return nil
	}
	res, err := logcheck.Check(r.dir, logcheck.RebalanceWindows(events, r.rec.Origin()))
	if err != nil {
		return fmt.Errorf("log checks: %w", err)
	}
	for name, c := range res.Checks {
		s.Checks[name] = c
	}
	return nil
}

// driverInfo is the driver's own description, or just its name when it
// never opened.
func (r *run) driverInfo() drivers.Info {
	if r.info.Driver == "" {
		return drivers.Info{Driver: r.sc.Driver.Name, Broker: "(driver not opened)"}
	}
	return r.info
}

// targetRate is the time-weighted target rate of the phases (msg/s), or 0
// when any phase runs closed loop ("max").
func targetRate(phases []scenarios.Phase) float64 {
	var msgs, secs float64
	for _, p := range phases {
		if p.Rate.Max {
			return 0
		}
		msgs += p.Rate.PerSecond * p.Duration.Seconds()
		secs += p.Duration.Seconds()
	}
	if secs == 0 {
		return 0
	}
	return msgs / secs
}
