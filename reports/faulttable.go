package reports

import (
	"fmt"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// faultRow is one fault of the per-fault table: summary.FaultStats as
// the page shows it.
type faultRow struct {
	Label, Spec, Active string
	Error, HealError    string
	Windows             []faultWindowRow // before, during, after
	FirstAck, SendBack  string
	AckBack, Anomalies  string
	Keys                string // keys with failed/unknown sends while active
}

type faultWindowRow struct {
	Name  string
	W     summary.FaultWindow
	Empty bool // the window has no time (e.g. after a fault the run ended in)
}

// faultRows builds the table; checked is false when the checkers never ran
// (no anomaly counts then).
func faultRows(stats []summary.FaultStats, checked bool) []faultRow {
	rows := make([]faultRow, 0, len(stats))
	for _, st := range stats {
		row := faultRow{
			Label: faultLabel(st.Record), Spec: specText(st.Record), Active: activeText(st),
			Error: st.Error, HealError: st.HealError,
			FirstAck: secsText(st.FirstAckAfterS), SendBack: secsText(st.SendRateBackS), AckBack: secsText(st.AckRateBackS),
			Anomalies: anomaliesText(st.Anomalies), Keys: affectedKeysText(st.KeysAffected, st.KeysAffectedFirst),
		}
		for _, w := range []faultWindowRow{{Name: partBefore, W: st.Before}, {Name: partDuring, W: st.During}, {Name: partAfter, W: st.After}} {
			w.Empty = w.W.To <= w.W.From
			row.Windows = append(row.Windows, w)
		}
		if !checked {
			row.Anomalies = "not checked (no summary.json)"
		}
		rows = append(rows, row)
	}
	return rows
}

// activeText is "6.00s → 9.00s", or says the fault never started or
// healed.
func activeText(st summary.FaultStats) string {
	switch {
	case st.Start == 0 && st.Error != "":
		return "did not start"
	case st.End == 0:
		return fmt.Sprintf("%.2fs → not healed", st.Start)
	case st.End == st.Start:
		return fmt.Sprintf("at %.2fs (instant)", st.Start)
	}
	return fmt.Sprintf("%.2fs → %.2fs", st.Start, st.End)
}

// specText is a fault's spec, with a network fault's split after it.
func specText(r faults.Record) string {
	if r.Detail == "" {
		return r.Spec
	}
	return r.Spec + " — " + r.Detail
}
