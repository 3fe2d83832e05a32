package checker_test

import (
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// delayedDlv is a delivery at t of a message intended at intended and
// sent with delay.
func delayedDlv(seq uint64, intended, delay, t int64) oplog.Delivery {
	d := dlv(0, seq, t)
	d.Intended, d.Delay = intended, delay
	return d
}

// TestDelayed: first deliveries of delayed messages are early when they
// come before intended + delay; the others' lateness goes into the
// histogram; duplicates, plain messages and unsent ones are not measured.
func TestDelayed(t *testing.T) {
	const sec = int64(1e9)
	sends := []oplog.Send{ok(0, 10, 1), ok(1, 20, 2), ok(2, 30, 3), ok(3, 40, 4), ok(4, 50, 5)}
	h := hist("complete", sends,
		[]oplog.Delivery{ // in time order
			delayedDlv(3, 39, sec, 39+sec-500e6), // 500 ms early
			delayedDlv(1, 19, sec, 19+sec-2e6),   // 2 ms early
			delayedDlv(0, 9, sec, 9+sec),         // exactly on time: lateness 0
			delayedDlv(2, 29, sec, 29+sec+100e6), // 100 ms late
			delayedDlv(1, 19, sec, 19+sec+300e6), // a duplicate: not measured again
			dlv(0, 4, 2*sec),                     // plain: not measured
			delayedDlv(9, 0, sec, 3*sec),         // never sent: unexpected, not measured
		})
	res := runHistoryWith(t, h, checker.Options{DrainEnd: checker.DrainComplete,
		Windows: []checker.Window{{Start: 0, End: 900e6}, {Start: 900e6, End: 10 * sec}}})
	d := res.Delayed
	if d == nil {
		t.Fatal("no delayed section")
	}
	if d.Delivered != 4 || d.Early != 2 || d.EarliestByMs != 500 {
		t.Errorf("delivered %d early %d earliest by %g ms; want 4, 2, 500", d.Delivered, d.Early, d.EarliestByMs)
	}
	if l := d.LatenessMs; l.Count != 2 || l.P50 != 0 || l.Max < 99.9 || l.Max > 100.1 {
		t.Errorf("lateness %+v; want 2 samples, p50 0, max 100 ms", l)
	}
	if len(d.Examples) != 2 || d.Examples[0].Seq != 3 || d.Examples[1].Seq != 1 {
		t.Errorf("examples %+v", d.Examples)
	}
	if len(d.InWindows) != 2 || d.InWindows[0] != 1 || d.InWindows[1] != 1 {
		t.Errorf("in windows %v, want [1 1]", d.InWindows)
	}
	if res.Checks[checker.CheckDuplicate].Count != 1 || res.Checks[checker.CheckUnexpected].Count != 1 {
		t.Errorf("the other checks changed: duplicate %d unexpected %d",
			res.Checks[checker.CheckDuplicate].Count, res.Checks[checker.CheckUnexpected].Count)
	}
}

// TestNoDelayed: a run without delayed deliveries has no delayed section.
func TestNoDelayed(t *testing.T) {
	res := runHistory(t, hist("complete", inOrder, []oplog.Delivery{dlv(0, 0, 11), dlv(0, 1, 21), dlv(0, 2, 31)}), 5)
	if res.Delayed != nil {
		t.Errorf("delayed %+v, want nil", res.Delayed)
	}
}
