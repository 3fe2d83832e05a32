// Package reports renders stored runs for people: a text summary, a
// self-contained HTML report (charts with the vendored uPlot, no request
// to any other host) and comparisons across runs. It reads only what a run
// directory holds (summary.json, series.jsonl, latency.hlog, run.json,
// faults.jsonl), so it works on old runs and on runs that died midway.
package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
	"github.com/brokerbench/brokerbench/internal/units"
)

// Run is what a report shows of one run directory. Summary may be nil (a
// crashed run), Series may be empty.
type Run struct {
	Dir     string
	Info    *summary.RunInfo
	Summary *summary.Summary
	Series  []summary.SeriesPoint
}

// Text writes the readable summary of a run.
func Text(w io.Writer, r *Run) error {
	tw := &errWriter{w: w}
	s := r.Summary
	if s == nil {
		tw.printf("run %s: INCOMPLETE — no summary.json (the run did not finish); showing what was recorded\n", r.Dir)
		if r.Info != nil {
			tw.printf("scenario %s, driver %s (%s)\n", r.Info.Scenario, r.Info.Driver.Driver, r.Info.Driver.Broker)
		}
		writeSeries(tw, r.Series)
		return tw.err
	}
	writeHeader(tw, r.Dir, s)
	writeCounts(tw, s)
	writeLatency(tw, s)
	writePhases(tw, s)
	WriteChecks(tw, s)
	WriteDelayed(tw, s)
	writeFaults(tw, s)
	writeDriverCounters(tw, s)
	WriteExpectations(tw, s)
	writeProblems(tw, s)
	writeSeries(tw, r.Series)
	return tw.err
}

func writeHeader(w *errWriter, dir string, s *summary.Summary) {
	w.printf("run %s  (%s)\n", s.Scenario, dir)
	w.printf("broker   %s via driver %s", s.Driver.Broker, s.Driver.Driver)
	if s.Driver.Version != "" {
		w.printf(" %s", s.Driver.Version)
	}
	w.printf("\n")
	if s.Driver.StandIn != "" {
		w.printf("         STAND-IN: %s — its numbers are not a real broker's\n", s.Driver.StandIn)
	}
	if c := s.Cluster; c != nil {
		names := make([]string, len(c.Nodes))
		for i, n := range c.Nodes {
			names[i] = n.Name
		}
		w.printf("cluster  %s, %d node(s): %s\n", c.Backend, len(c.Nodes), strings.Join(names, ", "))
	}
	wl := s.Workload
	if len(s.Phases) > 0 {
		names := make([]string, len(s.Phases))
		for i, p := range s.Phases {
			names[i] = p.Name
		}
		wl.Mode = "phases " + strings.Join(names, "/")
	}
	w.printf("workload %s%s, rate %s msg/s, %d producer(s), %d consumer(s)%s, %d B messages, %s, %d partition(s), warm-up %gs, measured %gs\n",
		wl.Mode, kindsText(s), wl.Rate, wl.Producers, wl.Consumers, broadcastText(wl), wl.MessageSize, keysText(wl.Keys), wl.Partitions, wl.Warmup, wl.Duration)
	w.printf("result   %s\n", resultText(s))
}

// broadcastText marks broadcasting consumers on the workload line.
func broadcastText(wl summary.Workload) string {
	if wl.Broadcast {
		return " (broadcasting: each gets every message)"
	}
	return ""
}

func keysText(n int) string {
	if n == 0 {
		return "unkeyed"
	}
	return fmt.Sprintf("%d keys", n)
}

func resultText(s *summary.Summary) string {
	switch {
	case s.Error != "":
		return "ERROR — " + firstLine(s.Error)
	case s.Interrupted:
		return "INCOMPLETE — interrupted; verdicts cover what was recorded"
	case s.Passed:
		return "PASSED — every expectation holds"
	}
	return "FAILED — an expectation does not hold"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func writeCounts(w *errWriter, s *summary.Summary) {
	c := s.Counts
	w.printf("\ncounts   sent %d  acked %d  failed %d  unknown %d  delivered %d  deliveries %d\n",
		c.Sent, c.Acked, c.Failed, c.Unknown, c.Delivered, c.Deliveries)
	t := s.Throughput
	w.printf("rate     send %.0f/s  ack %.0f/s  delivery %.0f/s over %.1fs measured", t.SendRate, t.AckRate, t.DeliveryRate, t.MeasuredSeconds)
	if t.TargetRate > 0 {
		w.printf(" (target %.0f/s)", t.TargetRate)
	}
	w.printf("\ndrain    %s after %.2fs\n", drainText(s.Drain.End), s.Drain.Seconds)
}

func drainText(e checker.DrainEnd) string {
	if e == "" {
		return "not reached"
	}
	return string(e)
}

func writeLatency(w *errWriter, s *summary.Summary) {
	w.printf("\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "latency\tcount\tp50\tp90\tp99\tp99.9\tp99.99\tmax\t")
	row := func(name string, p recorder.Percentiles) {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", name, p.Count,
			FmtNs(p.P50), FmtNs(p.P90), FmtNs(p.P99), FmtNs(p.P999), FmtNs(p.P9999), FmtNs(p.Max))
	}
	row("publish response (intended send → ack)", s.Latency.PublishResponse)
	row("publish service (send call → ack)", s.Latency.PublishService)
	row("end-to-end (intended send → delivery)", s.Latency.EndToEnd)
	w.keep(tw.Flush())
}

func writeProblems(w *errWriter, s *summary.Summary) {
	if len(s.Harness.Warnings) > 0 {
		w.printf("\nwarnings\n")
		for _, x := range s.Harness.Warnings {
			w.printf("  ! %s\n", x)
		}
	}
	if len(s.Errors) > 0 {
		w.printf("\nerrors seen by the clients\n")
		for _, e := range s.Errors {
			w.printf("  %-5s %6d×  %6.1fs..%.1fs  %s\n", e.Op, e.Count, e.First, e.Last, e.Message)
		}
	}
	w.printf("\nharness  CPU %.0f%% of all cores\n", s.Harness.CPUUtilization*100)
}

// FmtNs formats ns for people: 850ns, 12.3µs, 1.23ms, 2.50s; "-" for 0.
func FmtNs(ns int64) string { return units.Ns(ns) }

// errWriter keeps the first write error so rendering code stays linear.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return len(p), nil
	}
	n, err := e.w.Write(p)
	e.keep(err)
	return n, nil
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func (e *errWriter) keep(err error) {
	if err != nil && e.err == nil {
		e.err = err
	}
}
