package reports

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Text writes the comparison as plain text: one row per run, stand-in
// runs labelled, the workload settings that differ, and the spread of
// repeated runs.
func (c *Comparison) Text(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("comparison of %d runs (latencies: publish response time, measured part)\n\n", len(c.Runs))
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\trun\tbroker\tworkload\tsend/s\tack/s\tp50\tp99\tp99.9\tmax\tservice p99\te2e p99\tverdicts\tresult")
	standIns := false
	for _, cr := range c.Runs {
		r := rowOf(cr)
		broker := r.Broker
		if r.StandIn != "" {
			broker += " [STAND-IN]"
			standIns = true
		}
		wl := r.Workload
		if len(r.DiffFields) > 0 {
			wl += " (!)"
		}
		fmt.Fprintf(tw, "%d\t%s %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			r.N, r.Scenario, r.RunID, broker, wl, r.SendRate, r.AckRate,
			FmtNs(r.Pub.P50), FmtNs(r.Pub.P99), FmtNs(r.Pub.P999), FmtNs(r.Pub.Max), FmtNs(r.SvcP99), FmtNs(r.E2EP99),
			r.Verdicts, r.Result)
	}
	ew.keep(tw.Flush())
	if standIns {
		ew.printf("\n[STAND-IN]: not the real broker; these numbers are not the real broker's:\n")
		for _, l := range c.standInLabels() {
			ew.printf("  %s\n", l)
		}
	}
	c.writeDiffs(ew)
	c.writeSpread(ew)
	return ew.err
}

func (c *Comparison) writeDiffs(ew *errWriter) {
	if len(c.Diffs) == 0 {
		return
	}
	ew.printf("\n(!) WORKLOAD SETTINGS DIFFER — these runs are not like for like:\n")
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	for _, d := range c.Diffs {
		fmt.Fprintf(tw, "  %s", d.Field)
		for i, v := range d.Values {
			fmt.Fprintf(tw, "\t#%d %s", i+1, v)
		}
		fmt.Fprintln(tw)
	}
	ew.keep(tw.Flush())
}

func (c *Comparison) writeSpread(ew *errWriter) {
	for _, g := range c.Groups {
		ew.printf("\nspread over repeated runs: %s — runs %s\n", g.Label, runList(g.Runs))
		if len(g.Excluded) > 0 {
			ew.printf("  (left out, incomplete: %s)\n", runList(g.Excluded))
		}
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "  %-14s\tmin\tmedian\tmax\t\n", "metric")
		for _, m := range g.Spread {
			fmt.Fprintf(tw, "  %-14s\t%s\t%s\t%s\t\n", m.Metric, fmtMetric(m.Min, m.Unit), fmtMetric(m.Median, m.Unit), fmtMetric(m.Max, m.Unit))
		}
		ew.keep(tw.Flush())
	}
}

// standInLabels lists each stand-in label with its runs: "#1, #2: kfake".
func (c *Comparison) standInLabels() []string {
	var labels []string
	runs := map[string][]int{}
	for _, cr := range c.Runs {
		s := cr.standIn()
		if s == "" {
			continue
		}
		if _, ok := runs[s]; !ok {
			labels = append(labels, s)
		}
		runs[s] = append(runs[s], cr.N)
	}
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = runList(runs[l]) + ": " + l
	}
	return out
}
