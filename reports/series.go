package reports

import (
	"fmt"
	"text/tabwriter"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// maxSeriesRows caps the per-second table; longer runs show every k-th
// second plus every second whose p99.9 is a top-10 outlier.
const maxSeriesRows = 120

func writeSeries(w *errWriter, pts []summary.SeriesPoint) {
	if len(pts) == 0 {
		return
	}
	w.printf("\nper second (rates in msg/s; latency per interval)\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "t\tphase\tsent/s\tacked/s\tfailed\tunknown\tin flight\tdelivered/s\tpublish p99\tp99.9\tmax\tservice p99.9\te2e p99\t")
	for _, i := range seriesRows(pts) {
		p := pts[i]
		rate := func(n int64) string {
			if p.Seconds <= 0 {
				return "-"
			}
			return fmt.Sprintf("%.0f", float64(n)/p.Seconds)
		}
		fmt.Fprintf(tw, "%.0fs\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n",
			p.T, p.Phase, rate(p.Sent), rate(p.Acked), p.Failed, p.Unknown, p.InFlight, rate(p.Deliveries),
			FmtNs(p.Publish.P99), FmtNs(p.Publish.P999), FmtNs(p.Publish.Max), FmtNs(p.Service.P999), FmtNs(p.E2E.P99))
	}
	w.keep(tw.Flush())
}

// seriesRows picks the rows to show: all of them when few, else an even
// sample plus the worst seconds by publish p99.9, in time order.
func seriesRows(pts []summary.SeriesPoint) []int {
	if len(pts) <= maxSeriesRows {
		out := make([]int, len(pts))
		for i := range out {
			out[i] = i
		}
		return out
	}
	keep := map[int]bool{}
	step := (len(pts) + maxSeriesRows - 11) / (maxSeriesRows - 10)
	for i := 0; i < len(pts); i += step {
		keep[i] = true
	}
	worst := make([]int, 0, 10)
	for i := range pts {
		worst = append(worst, i)
		for j := len(worst) - 1; j > 0 && pts[worst[j]].Publish.P999 > pts[worst[j-1]].Publish.P999; j-- {
			worst[j], worst[j-1] = worst[j-1], worst[j]
		}
		if len(worst) > 10 {
			worst = worst[:10]
		}
	}
	for _, i := range worst {
		keep[i] = true
	}
	out := make([]int, 0, len(keep))
	for i := range pts {
		if keep[i] {
			out = append(out, i)
		}
	}
	return out
}
