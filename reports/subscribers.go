package reports

import (
	"fmt"
	"strings"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// subscriberView is the per-consumer breakdown of a broadcasting run:
// one column per check that some subscriber failed, was unsure of or
// counted anything in (the others are valid and 0 for every subscriber).
type subscriberView struct {
	Checks []string
	Rows   []subscriberRow
	Early  bool // some subscriber had early deliveries: show the column
}

// subscriberRow is one consumer's counts and verdicts, Cells in the order
// of subscriberView.Checks.
type subscriberRow struct {
	Consumer              uint32
	Delivered, Deliveries int64
	Early                 int64
	Cells                 []subscriberCell
}

type subscriberCell struct {
	Verdict string
	Count   int64
}

// subscribersOf builds the view; nil unless the run was broadcasting with
// subscribers checked.
func subscribersOf(s *summary.Summary) *subscriberView {
	if s == nil || !s.Workload.Broadcast || len(s.Subscribers) == 0 {
		return nil
	}
	v := &subscriberView{}
	for _, name := range checker.Names() {
		for _, sub := range s.Subscribers {
			if c := sub.Checks[name]; c.Count != 0 || c.Verdict != checker.VerdictValid {
				v.Checks = append(v.Checks, name)
				break
			}
		}
	}
	for _, sub := range s.Subscribers {
		row := subscriberRow{Consumer: sub.Consumer, Delivered: sub.Delivered, Deliveries: sub.Deliveries, Early: sub.Early}
		for _, name := range v.Checks {
			c := sub.Checks[name]
			row.Cells = append(row.Cells, subscriberCell{Verdict: c.Verdict, Count: c.Count})
		}
		v.Early = v.Early || sub.Early > 0
		v.Rows = append(v.Rows, row)
	}
	return v
}

// writeSubscribers writes the breakdown of a broadcasting run under the
// checks: a count is followed by its verdict when that is not valid.
func writeSubscribers(w *errWriter, s *summary.Summary) {
	v := subscribersOf(s)
	if v == nil {
		return
	}
	w.printf("\n  per subscriber (broadcasting: each consumer checked on its own)\n")
	var b strings.Builder
	fmt.Fprintf(&b, "    %8s %10s %10s", "consumer", "delivered", "deliveries")
	for _, name := range v.Checks {
		fmt.Fprintf(&b, "  %-20s", name)
	}
	if v.Early {
		b.WriteString("  delivered_early")
	}
	w.printf("%s\n", strings.TrimRight(b.String(), " "))
	for _, r := range v.Rows {
		b.Reset()
		fmt.Fprintf(&b, "    %8d %10d %10d", r.Consumer, r.Delivered, r.Deliveries)
		for _, c := range r.Cells {
			cell := fmt.Sprint(c.Count)
			if c.Verdict != checker.VerdictValid {
				cell += " " + c.Verdict
			}
			fmt.Fprintf(&b, "  %-20s", cell)
		}
		if v.Early {
			fmt.Fprintf(&b, "  %d", r.Early)
		}
		w.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}
