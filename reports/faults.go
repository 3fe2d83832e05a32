package reports

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// writeFaults writes one block per fault: when and where it acted, the
// send/ack rates and p50 / p99 publish and end-to-end latency before,
// during and after it, the recovery times, the anomalies that happened
// while it was active and the keys whose sends failed or went unknown
// meanwhile.
func writeFaults(w *errWriter, s *summary.Summary) {
	if len(s.Faults) == 0 {
		return
	}
	w.printf("\nfaults\n")
	for _, f := range s.Faults {
		w.printf("  #%d %s", f.Index, f.Spec)
		if f.Node != "" {
			w.printf("  → node %s", f.Node)
		}
		w.printf("\n")
		if f.Detail != "" {
			w.printf("      %s\n", f.Detail)
		}
		if f.Error != "" {
			w.printf("      did not start: %s\n", f.Error)
			continue
		}
		end := "not healed"
		if f.End > 0 {
			end = fmt.Sprintf("%.2fs", f.End)
		}
		w.printf("      active %.2fs .. %s", f.Start, end)
		if f.HealError != "" {
			w.printf("  (heal failed: %s)", f.HealError)
		}
		w.printf("\n")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "      \tfrom\tto\tsend/s\tack/s\tfailed\tunknown\tpublish p50\tp99\te2e p50\tp99\t")
		for _, x := range []struct {
			name string
			win  summary.FaultWindow
		}{{"before", f.Before}, {"during", f.During}, {"after", f.After}} {
			fmt.Fprintf(tw, "      %s\t%.1fs\t%.1fs\t%.0f\t%.0f\t%d\t%d\t%s\t%s\t%s\t%s\t\n", x.name, x.win.From, x.win.To,
				x.win.SendRate, x.win.AckRate, x.win.Failed, x.win.Unknown,
				FmtNs(x.win.P50PublishNs), FmtNs(x.win.P99PublishNs), FmtNs(x.win.P50E2ENs), FmtNs(x.win.P99E2ENs))
		}
		w.keep(tw.Flush())
		w.printf("      recovery: first ack after %s, send rate back to 90%% after %s, ack rate after %s\n",
			secsText(f.FirstAckAfterS), secsText(f.SendRateBackS), secsText(f.AckRateBackS))
		w.printf("      anomalies while active: %s\n", anomaliesText(f.Anomalies))
		w.printf("      keys with failed/unknown sends while active: %s\n", affectedKeysText(f.KeysAffected, f.KeysAffectedFirst))
	}
}

// affectedKeysText is "none", "2 (k3, k12)" or, when only the first keys are
// listed, "21 (k9, k100, …, 13 more)".
func affectedKeysText(n int, first []string) string {
	if n == 0 {
		return "none"
	}
	list := strings.Join(first, ", ")
	if more := n - len(first); more > 0 {
		list += fmt.Sprintf(", … %d more", more)
	}
	return fmt.Sprintf("%d (%s)", n, list)
}

func secsText(v *float64) string {
	if v == nil {
		return "never"
	}
	return fmt.Sprintf("%.3fs", *v)
}

func anomaliesText(m map[string]int64) string {
	if len(m) == 0 {
		return "none"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}

// writePhases writes one row per workload phase.
func writePhases(w *errWriter, s *summary.Summary) {
	rows := phaseRows(s)
	if len(rows) == 0 {
		return
	}
	w.printf("\nphases\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "  phase\tmode\ttarget\tfrom\tto\tsend/s\tack/s\tpublish p50\tp99\tp99.9\tservice p99\te2e p99\t")
	for _, p := range rows {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", p.Name, p.Mode, p.Target, p.From, p.To,
			p.SendRate, p.AckRate, p.P50, p.P99, p.P999, p.ServiceP99, p.E2EP99)
	}
	w.keep(tw.Flush())
}
