package reports

import (
	"fmt"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// phaseRow is one workload phase as the text and HTML reports show it;
// Mode carries the message kind when it is not plain ("async, delayed").
type phaseRow struct {
	Name, Mode, Target, From, To, SendRate, AckRate string
	P50, P99, P999, ServiceP99, E2EP99              string
}

// phaseRows shapes the summary's workload phases for a table; nil for a
// run without phases (or without a summary).
func phaseRows(s *summary.Summary) []phaseRow {
	if s == nil || len(s.Phases) == 0 {
		return nil
	}
	rows := make([]phaseRow, len(s.Phases))
	for i, p := range s.Phases {
		l := p.Latency
		mode := p.Mode
		if p.Kind != "" {
			mode += ", " + p.Kind
		}
		rows[i] = phaseRow{
			Name: p.Name, Mode: mode, Target: p.Rate,
			From: fmt.Sprintf("%.1fs", p.From), To: fmt.Sprintf("%.1fs", p.To),
			SendRate: fmtRate(p.SendRate), AckRate: fmtRate(p.AckRate),
			P50: FmtNs(l.PublishResponse.P50), P99: FmtNs(l.PublishResponse.P99), P999: FmtNs(l.PublishResponse.P999),
			ServiceP99: FmtNs(l.PublishService.P99), E2EP99: FmtNs(l.EndToEnd.P99),
		}
	}
	return rows
}

// stageMark is where a workload phase starts on the time charts.
type stageMark struct {
	Name  string  `json:"name"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// stageMarks places the workload phases on the time axis: from the
// summary when it has them, else from the series' stage names (a run
// that died before writing its summary). Nil when the run had no
// (named) phases.
func stageMarks(s *summary.Summary, pts []summary.SeriesPoint) []stageMark {
	if s != nil && len(s.Phases) > 0 {
		out := make([]stageMark, len(s.Phases))
		for i, p := range s.Phases {
			out[i] = stageMark{Name: p.Name, Start: round(p.From, 3), End: round(p.To, 3)}
		}
		return out
	}
	var out []stageMark
	for _, p := range pts {
		if p.Stage == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Name == p.Stage {
			out[n-1].End = round(p.T, 3)
			continue
		}
		out = append(out, stageMark{Name: p.Stage, Start: round(p.T-p.Seconds, 3), End: round(p.T, 3)})
	}
	if len(out) < 2 {
		return nil // one unnamed-looking phase: nothing to mark
	}
	return out
}
