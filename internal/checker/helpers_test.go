package checker_test

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// runHistory checks h in memory through the streaming API.
func runHistory(t testing.TB, h *checkertest.History, maxExamples int) *checker.Result {
	t.Helper()
	return runHistoryWith(t, h, checker.Options{DrainEnd: checker.DrainEnd(h.DrainEnd), MaxExamples: maxExamples})
}

// runHistoryWith checks h in memory with the given options.
func runHistoryWith(t testing.TB, h *checkertest.History, opts checker.Options) *checker.Result {
	t.Helper()
	c := checker.New()
	for i := range h.Producers {
		p := &h.Producers[i]
		c.AddProducer(p.ID, func() (checker.SendSource, error) { return p.Source(), nil })
	}
	for i := range h.Consumers {
		l := &h.Consumers[i]
		c.AddConsumer(l.ID, func() (checker.DeliverySource, error) { return l.Source(), nil })
	}
	res, err := c.Run(opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// diff lists every difference between the fast result and the reference's:
// counts, per-check counts, details and verdicts, and examples that name a
// message the reference did not find.
func diff(res *checker.Result, ref *checkertest.RefResult, maxExamples int) []string {
	var out []string
	rc := ref.Counts
	want := checker.Counts{Sent: rc.Sent, Acked: rc.Acked, Failed: rc.Failed, Unknown: rc.Unknown,
		Delivered: rc.Delivered, Deliveries: rc.Deliveries}
	if res.Counts != want {
		out = append(out, fmt.Sprintf("counts: got %+v, want %+v", res.Counts, want))
	}
	if res.Truncated != ref.Truncated {
		out = append(out, fmt.Sprintf("truncated: got %v, want %v", res.Truncated, ref.Truncated))
	}
	for _, name := range checker.Names() {
		got, wc := res.Checks[name], ref.Checks[name]
		if got == nil {
			out = append(out, name+": missing")
			continue
		}
		if got.Count != wc.Count || got.Verdict != wc.Verdict {
			out = append(out, fmt.Sprintf("%s: got %d %s, want %d %s", name, got.Count, got.Verdict, wc.Count, wc.Verdict))
		}
		if !maps.Equal(nonzero(got.Detail), nonzero(wc.Detail)) {
			out = append(out, fmt.Sprintf("%s detail: got %v, want %v", name, got.Detail, wc.Detail))
		}
		if n := min(int64(maxExamples), got.Count); int64(len(got.Examples)) != n {
			out = append(out, fmt.Sprintf("%s: %d examples, want %d", name, len(got.Examples), n))
		}
		for _, e := range got.Examples {
			if !wc.Msgs[checkertest.MsgID{Producer: e.Producer, Seq: e.Seq}] {
				out = append(out, fmt.Sprintf("%s: example %+v is not one", name, e))
			}
		}
	}
	return out
}

func nonzero(m map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// describe prints a small history for a failure message.
func describe(h *checkertest.History) string {
	var b strings.Builder
	fmt.Fprintf(&b, "drain %q\n", h.DrainEnd)
	for _, p := range h.Producers {
		fmt.Fprintf(&b, "producer %d (truncated %v):\n", p.ID, p.Truncated)
		for _, s := range p.Sends {
			fmt.Fprintf(&b, "  seq %d %v key %d/%v part %d sent %d done %d next %d\n",
				s.Seq, s.Outcome, s.Key, s.Flags&oplog.FlagKeyed != 0, s.Partition, s.Sent, s.Done, s.Next)
		}
	}
	for _, c := range h.Consumers {
		fmt.Fprintf(&b, "consumer %d (truncated %v):\n", c.ID, c.Truncated)
		for _, d := range c.Deliveries {
			fmt.Fprintf(&b, "  t %d kind %d p %d seq %d key %d/%v part %d redeliv %v\n",
				d.Time, d.Kind, d.Producer, d.Seq, d.Key, d.Keyed, d.Partition, d.Redelivered)
		}
	}
	return b.String()
}
