package reports

import (
	"fmt"
	"io"
	"sort"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// WriteDelayed writes the delayed-message section (deliveries measured
// against intended send time + delay); nothing when the run delivered no
// delayed message.
func WriteDelayed(w io.Writer, s *summary.Summary) {
	d := s.Delayed
	if d == nil {
		return
	}
	ew := asErrWriter(w)
	ew.printf("\ndelayed messages (first delivery vs intended send time + delay)\n")
	verdict := "valid"
	if d.Early > 0 {
		verdict = "invalid"
	}
	ew.printf("  delivered %d  early %d (%s)", d.Delivered, d.Early, verdict)
	if d.Early > 0 {
		ew.printf("  earliest by %s", fmtMs(d.EarliestByMs))
	}
	l := d.LatenessMs
	ew.printf("\n  lateness  count %d  p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n",
		l.Count, fmtMs(l.P50), fmtMs(l.P90), fmtMs(l.P99), fmtMs(l.P999), fmtMs(l.Max))
	for _, ex := range d.Examples {
		ew.printf("      at %8.3fs  %s\n", float64(ex.TimeNs)/1e9, exampleText(ex))
	}
}

// writeDriverCounters writes what the driver counted, by name.
func writeDriverCounters(w *errWriter, s *summary.Summary) {
	rows := counterRows(s.DriverCounters)
	if len(rows) == 0 {
		return
	}
	w.printf("\ndriver counters\n")
	for _, r := range rows {
		w.printf("  %-24s %d\n", r.Name, r.Value)
	}
}

// counterRow is one driver counter.
type counterRow struct {
	Name  string
	Value int64
}

// counterRows sorts the driver's counters by name.
func counterRows(cs map[string]int64) []counterRow {
	rows := make([]counterRow, 0, len(cs))
	for k, v := range cs {
		rows = append(rows, counterRow{k, v})
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Name < rows[j].Name })
	return rows
}

// fmtMs formats ms for people, as FmtNs does ns ("-" for 0).
func fmtMs(ms float64) string { return FmtNs(int64(ms * 1e6)) }

// kindsText says which message kinds a run sent besides plain, for the
// workload line: "" when all plain, else e.g. ", delayed messages" or,
// with phases, ", kinds b: delayed".
func kindsText(s *summary.Summary) string {
	if len(s.Phases) == 0 {
		if s.Workload.Kind == "" {
			return ""
		}
		return fmt.Sprintf(", %s messages", s.Workload.Kind)
	}
	out := ""
	for _, p := range s.Phases {
		if p.Kind != "" {
			out += fmt.Sprintf(", %s: %s", p.Name, p.Kind)
		}
	}
	if out == "" {
		return ""
	}
	return ", kinds" + out[1:]
}

// delayedView is the delayed section as the HTML report shows it.
type delayedView struct {
	Delivered, Early, Count  int64
	Verdict, EarliestBy      string
	P50, P90, P99, P999, Max string
	Examples                 []exampleRow
}

// delayedOf shapes the summary's delayed section; nil without one.
func delayedOf(s *summary.Summary) *delayedView {
	if s == nil || s.Delayed == nil {
		return nil
	}
	d := s.Delayed
	l := d.LatenessMs
	v := &delayedView{
		Delivered: d.Delivered, Early: d.Early, Count: l.Count, Verdict: "valid", EarliestBy: "-",
		P50: fmtMs(l.P50), P90: fmtMs(l.P90), P99: fmtMs(l.P99), P999: fmtMs(l.P999), Max: fmtMs(l.Max),
	}
	if d.Early > 0 {
		v.Verdict, v.EarliestBy = "invalid", fmtMs(d.EarliestByMs)
	}
	for _, ex := range d.Examples {
		v.Examples = append(v.Examples, exampleRow{TimeS: float64(ex.TimeNs) / 1e9, Text: exampleText(ex)})
	}
	return v
}
