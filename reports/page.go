package reports

import (
	"fmt"
	"strings"

	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// reportPage is what the "report" template shows of one run.
type reportPage struct {
	Title       string
	Dir         string
	Generated   string
	Scenario    string
	RunID       string
	Incomplete  []string // non-empty: the run is incomplete, and why
	Result      string
	Passed      bool
	Broker      brokerInfo
	Env         *summary.Environment
	Command     string
	Workload    *summary.Workload
	Summary     *summary.Summary // nil: crashed before writing it
	Recorded    recordedCounts   // from the series (what a crashed run shows)
	Checks      []checkRow
	Latency     []latencyRow
	LatencyFrom string     // where the latency table comes from
	Phases      []phaseRow // workload phases; nil without
	Faults      []faultRow
	Delayed     *delayedView    // delayed messages; nil without
	Subscribers *subscriberView // broadcasting runs' per-consumer checks; nil otherwise
	Counters    []counterRow    // the driver's counters; nil without
	KindsText   string          // non-plain message kinds, for the workload line
	ScenarioYML string
	Data        any // reportData, marshalled by the template's json func
}

// brokerInfo is the broker, its driver and cluster as a report shows them.
type brokerInfo struct {
	Broker, Driver, Version string
	StandIn                 string // non-empty: not the real broker
	Backend                 string
	Nodes                   []string
}

// recordedCounts are the series totals.
type recordedCounts struct {
	Intervals                                int
	Seconds                                  float64
	Sent, Acked, Failed, Unknown, Deliveries int64
}

type checkRow struct {
	Name, Verdict, Detail, Note string
	Count                       int64
	Examples                    []exampleRow
}

type exampleRow struct {
	TimeS float64
	Text  string
}

type latencyRow struct {
	Name, Desc string
	P          recorder.Percentiles
}

// incompleteReasons says why a run's results are partial; empty when the
// run completed.
func incompleteReasons(r *Run) []string {
	s := r.Summary
	if s == nil {
		return []string{"no summary.json: the run did not finish (it crashed or was killed); this report shows what it recorded up to then"}
	}
	var out []string
	switch {
	case s.Error != "":
		out = append(out, "the run failed midway: "+firstLine(s.Error))
	case s.Interrupted:
		out = append(out, "the run was interrupted (Ctrl-C / SIGTERM); verdicts cover what was recorded")
	case !s.Complete:
		out = append(out, "the run did not complete (summary.json has complete=false)")
	}
	if s.ChecksTruncated {
		out = append(out, "an op log ended inside a record: checked up to its last whole record")
	}
	return out
}

// brokerOf prefers the summary, then run.json; the cluster adds its
// backend, nodes and stand-in label.
func brokerOf(r *Run) brokerInfo {
	var b brokerInfo
	switch {
	case r.Summary != nil:
		d := r.Summary.Driver
		b = brokerInfo{Broker: d.Broker, Driver: d.Driver, Version: d.Version, StandIn: d.StandIn, Nodes: d.Nodes}
	case r.Info != nil:
		d := r.Info.Driver
		b = brokerInfo{Broker: d.Broker, Driver: d.Driver, Version: d.Version, StandIn: d.StandIn, Nodes: d.Nodes}
	}
	c := clusterOf(r)
	if c == nil {
		return b
	}
	b.Backend = c.Backend
	if b.Version == "" {
		b.Version = c.Version
	}
	if c.StandIn != "" && !strings.Contains(b.StandIn, c.StandIn) {
		b.StandIn = strings.TrimPrefix(b.StandIn+"; "+c.StandIn, "; ")
	}
	if len(c.Nodes) > 0 {
		b.Nodes = nil
		for _, n := range c.Nodes {
			b.Nodes = append(b.Nodes, strings.TrimSpace(n.Name+" "+n.Addr))
		}
	}
	return b
}

func checkRows(s *summary.Summary) []checkRow {
	if s == nil {
		return nil
	}
	var rows []checkRow
	for _, name := range checkNames() {
		c, ok := s.Checks[name]
		if !ok {
			continue
		}
		row := checkRow{Name: name, Verdict: c.Verdict, Count: c.Count, Detail: detailText(c.Detail), Note: c.Note}
		for _, ex := range c.Examples {
			row.Examples = append(row.Examples, exampleRow{TimeS: float64(ex.TimeNs) / 1e9, Text: exampleText(ex)})
		}
		rows = append(rows, row)
	}
	return rows
}

func recordedOf(pts []summary.SeriesPoint) recordedCounts {
	var c recordedCounts
	for _, p := range pts {
		c.Intervals++
		c.Seconds = p.T
		c.Sent += p.Sent
		c.Acked += p.Acked
		c.Failed += p.Failed
		c.Unknown += p.Unknown
		c.Deliveries += p.Deliveries
	}
	return c
}

// latencyRows uses the summary's measured latencies, or, for a run that
// never wrote one, the merged measured intervals of latency.hlog.
func latencyRows(s *summary.Summary, measured latencySet) ([]latencyRow, string) {
	rows := make([]latencyRow, len(latencyKinds))
	for i, k := range latencyKinds {
		rows[i] = latencyRow{Name: k.name, Desc: k.desc}
		if s == nil {
			rows[i].P = recorder.Summarize(k.hist(measured))
		}
	}
	if s == nil {
		return rows, "latency.hlog, intervals after warm-up"
	}
	rows[0].P, rows[1].P, rows[2].P = s.Latency.PublishResponse, s.Latency.PublishService, s.Latency.EndToEnd
	return rows, "summary.json, measured part"
}

func titleOf(r *Run) (scenario, runID string) {
	switch {
	case r.Summary != nil:
		return r.Summary.Scenario, r.Summary.RunID
	case r.Info != nil:
		return r.Info.Scenario, r.Info.RunID
	}
	return "unknown scenario", ""
}

func commandOf(r *Run) string {
	if r.Info == nil {
		return ""
	}
	return strings.Join(r.Info.Command, " ")
}

func fmtRate(v float64) string { return fmt.Sprintf("%.0f", v) }
