package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// SettingDiff is a workload setting that differs among compared runs:
// Values has one entry per run ("?" when the run has no summary).
type SettingDiff struct {
	Field  string
	Values []string
}

// workloadFields are the settings that make runs comparable.
var workloadFields = []struct {
	name string
	get  func(w *summary.Workload) string
}{
	{"mode", func(w *summary.Workload) string { return w.Mode }},
	{"rate", func(w *summary.Workload) string { return w.Rate }},
	{"producers", func(w *summary.Workload) string { return fmt.Sprint(w.Producers) }},
	{"consumers", func(w *summary.Workload) string { return fmt.Sprint(w.Consumers) }},
	{"message_size", func(w *summary.Workload) string { return fmt.Sprint(w.MessageSize) }},
	{"keys", func(w *summary.Workload) string { return fmt.Sprint(w.Keys) }},
	{"partitions", func(w *summary.Workload) string { return fmt.Sprint(w.Partitions) }},
	{"window", func(w *summary.Workload) string { return fmt.Sprint(w.Window) }},
	{"duration", func(w *summary.Workload) string { return fmt.Sprintf("%gs", w.Duration) }},
}

// settingDiffs lists the settings that are not the same in every run with
// a summary, and marks each run's DiffFields against the first such run.
func settingDiffs(runs []*ComparedRun) []SettingDiff {
	var ref *summary.Workload
	for _, cr := range runs {
		if ref = cr.workload(); ref != nil {
			break
		}
	}
	var out []SettingDiff
	for _, f := range workloadFields {
		d := SettingDiff{Field: f.name}
		differs := false
		for _, cr := range runs {
			w := cr.workload()
			if w == nil {
				d.Values = append(d.Values, "?")
				continue
			}
			v := f.get(w)
			d.Values = append(d.Values, v)
			if v != f.get(ref) {
				differs = true
				cr.DiffFields = append(cr.DiffFields, f.name)
			}
		}
		if differs {
			out = append(out, d)
		}
	}
	return out
}

// RepeatGroup is a set of runs of the same scenario with the same broker
// and workload settings, and the spread of their numbers.
type RepeatGroup struct {
	Label    string
	Runs     []int // N of every run in the group
	Excluded []int // incomplete runs, left out of the spread
	Spread   []MetricSpread
}

// MetricSpread is the min, median and max of one metric over the complete
// runs of a group. Unit is "msg/s" or "ns".
type MetricSpread struct {
	Metric           string
	Unit             string
	Min, Median, Max float64
}

// repeatKey groups runs: scenario, broker, stand-in and every workload
// setting.
func repeatKey(cr *ComparedRun) string {
	w := cr.workload()
	parts := []string{cr.Run.Summary.Scenario, cr.broker(), cr.standIn()}
	for _, f := range workloadFields {
		parts = append(parts, f.get(w))
	}
	return strings.Join(parts, "\x00")
}

func repeatGroups(runs []*ComparedRun) []RepeatGroup {
	byKey := map[string][]*ComparedRun{}
	var keys []string
	for _, cr := range runs {
		if cr.workload() == nil {
			continue
		}
		k := repeatKey(cr)
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], cr)
	}
	var out []RepeatGroup
	for _, k := range keys {
		if members := byKey[k]; len(members) > 1 {
			out = append(out, groupOf(members))
		}
	}
	return out
}

func groupOf(members []*ComparedRun) RepeatGroup {
	first := members[0]
	g := RepeatGroup{Label: first.Run.Summary.Scenario + " on " + first.broker()}
	if first.standIn() != "" {
		g.Label += " [STAND-IN]"
	}
	var complete []*summary.Summary
	for _, cr := range members {
		g.Runs = append(g.Runs, cr.N)
		if cr.incomplete() != "" {
			g.Excluded = append(g.Excluded, cr.N)
			continue
		}
		complete = append(complete, cr.Run.Summary)
	}
	g.Spread = spreadOf(complete)
	return g
}

// spreadMetrics are the metrics a spread shows.
var spreadMetrics = []struct {
	name, unit string
	get        func(s *summary.Summary) (float64, bool)
}{
	{"send/s", "msg/s", func(s *summary.Summary) (float64, bool) {
		return s.Throughput.SendRate, s.Throughput.MeasuredSeconds > 0
	}},
	{"ack/s", "msg/s", func(s *summary.Summary) (float64, bool) {
		return s.Throughput.AckRate, s.Throughput.MeasuredSeconds > 0
	}},
	{"delivered/s", "msg/s", func(s *summary.Summary) (float64, bool) {
		return s.Throughput.DeliveryRate, s.Throughput.MeasuredSeconds > 0
	}},
	{"publish p50", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.PublishResponse }, func(p recorder.Percentiles) int64 { return p.P50 })},
	{"publish p99", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.PublishResponse }, func(p recorder.Percentiles) int64 { return p.P99 })},
	{"publish p99.9", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.PublishResponse }, func(p recorder.Percentiles) int64 { return p.P999 })},
	{"publish max", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.PublishResponse }, func(p recorder.Percentiles) int64 { return p.Max })},
	{"service p99", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.PublishService }, func(p recorder.Percentiles) int64 { return p.P99 })},
	{"e2e p50", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.EndToEnd }, func(p recorder.Percentiles) int64 { return p.P50 })},
	{"e2e p99", "ns", lat(func(s *summary.Summary) recorder.Percentiles { return s.Latency.EndToEnd }, func(p recorder.Percentiles) int64 { return p.P99 })},
}

func lat(kind func(*summary.Summary) recorder.Percentiles, stat func(recorder.Percentiles) int64) func(*summary.Summary) (float64, bool) {
	return func(s *summary.Summary) (float64, bool) {
		p := kind(s)
		return float64(stat(p)), p.Count > 0
	}
}

// spreadOf computes each metric's min, median and max over the runs that
// measured it (a metric no run measured is left out).
func spreadOf(runs []*summary.Summary) []MetricSpread {
	var out []MetricSpread
	for _, m := range spreadMetrics {
		var vs []float64
		for _, s := range runs {
			if v, ok := m.get(s); ok {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		sort.Float64s(vs)
		out = append(out, MetricSpread{Metric: m.name, Unit: m.unit, Min: vs[0], Median: median(vs), Max: vs[len(vs)-1]})
	}
	return out
}

// median of sorted vs (the mean of the middle two for an even count).
func median(vs []float64) float64 {
	n := len(vs)
	if n%2 == 1 {
		return vs[n/2]
	}
	return (vs[n/2-1] + vs[n/2]) / 2
}

// fmtMetric formats a spread value by its unit.
func fmtMetric(v float64, unit string) string {
	if unit == "ns" {
		return FmtNs(int64(v))
	}
	return fmtRate(v)
}

// runList is "#1, #3".
func runList(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprintf("#%d", n)
	}
	return strings.Join(parts, ", ")
}
