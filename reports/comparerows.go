package reports

import (
	"fmt"
	"strings"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/recorder"
)

// compareRow is one run as the comparison tables show it.
type compareRow struct {
	N               int
	Scenario, RunID string
	Dir             string
	Broker, StandIn string
	Workload        string
	DiffFields      []string
	SendRate        string
	AckRate         string
	Pub             recorder.Percentiles // publish response
	SvcP99, E2EP99  int64
	Verdicts        string
	VerdictsOK      bool
	Result          string
	Incomplete      string
}

func rowOf(cr *ComparedRun) compareRow {
	row := compareRow{
		N: cr.N, Dir: cr.Run.Dir, Broker: cr.broker(), StandIn: cr.standIn(),
		DiffFields: cr.DiffFields, Incomplete: cr.incomplete(), SendRate: "-", AckRate: "-",
	}
	row.Scenario, row.RunID = titleOf(cr.Run)
	s := cr.Run.Summary
	if s == nil {
		row.Workload, row.Verdicts, row.Result = "?", "not checked", "INCOMPLETE"
		return row
	}
	w := s.Workload
	row.Workload = fmt.Sprintf("%s %s/s, %dp/%dc, %d B, %s, %d part., window %d, %gs",
		w.Mode, w.Rate, w.Producers, w.Consumers, w.MessageSize, keysText(w.Keys), w.Partitions, w.Window, w.Duration)
	if s.Throughput.MeasuredSeconds > 0 {
		row.SendRate, row.AckRate = fmtRate(s.Throughput.SendRate), fmtRate(s.Throughput.AckRate)
	}
	row.Pub, row.SvcP99, row.E2EP99 = s.Latency.PublishResponse, s.Latency.PublishService.P99, s.Latency.EndToEnd.P99
	row.Verdicts, row.VerdictsOK = verdictsText(s.Checks)
	row.Result = resultText(s)
	if i := strings.Index(row.Result, " — "); i > 0 {
		row.Result = row.Result[:i]
	}
	if row.Incomplete != "" && row.Result != "INCOMPLETE" {
		row.Result = "INCOMPLETE (" + row.Incomplete + ")"
	}
	return row
}

// verdictsText is "all valid", or the checks that are not, with counts:
// "lost 2 invalid, unseen 5 unknown".
func verdictsText(checks map[string]*checker.Check) (string, bool) {
	var bad []string
	for _, name := range checkNames() {
		c, found := checks[name]
		if !found || c.Verdict == checker.VerdictValid {
			continue
		}
		bad = append(bad, fmt.Sprintf("%s %d %s", name, c.Count, c.Verdict))
	}
	if len(bad) == 0 {
		return "all valid", true
	}
	return strings.Join(bad, ", "), false
}
