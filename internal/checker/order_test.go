package checker

import (
	"testing"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// deliver marks seq of p delivered and tells the tracker, as firstDelivery
// does.
func deliver(t *orderTracker, p *producer, k unitKey, seq uint64, at int64) bool {
	p.nib.or(seq, nibDelivered)
	late, _ := t.firstDelivery(p, k, seq, at)
	return late
}

// TestOrderMemoryBounded: with deliveries lagging acks, the FIFOs hold
// about the lag, also when many keys are in use and when the delivery side
// names another partition than the ack (its FIFO is never popped by
// deliveries, only compacted).
func TestOrderMemoryBounded(t *testing.T) {
	const n, lag = 200_000, 50
	for _, tc := range []struct {
		name      string
		keys      int
		otherPart bool
	}{{"one unit", 0, false}, {"many keys", 10_000, false}, {"ack partition differs", 0, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProducer(0, 0, nil)
			tr := newOrderTracker()
			unitOf := func(seq uint64, delivery bool) unitKey {
				switch {
				case tc.keys > 0:
					return sendUnit(0, true, uint32(seq%uint64(tc.keys)), -1)
				case tc.otherPart && delivery:
					return sendUnit(0, false, 0, 5)
				}
				return sendUnit(0, false, 0, -1)
			}
			maxEntries := 0
			for seq := uint64(0); seq < n+lag; seq++ {
				if seq < n {
					if _, err := p.nib.setOutcome(seq, oplog.OK); err != nil {
						t.Fatal(err)
					}
					tr.acked(p, unitOf(seq, false), seq, seq+1)
				}
				if seq >= lag {
					d := seq - lag
					if deliver(&tr, p, unitOf(d, true), d, int64(seq)) {
						t.Fatalf("seq %d: reorder", d)
					}
				}
				if seq%1000 == 0 {
					maxEntries = max(maxEntries, tr.entries())
				}
			}
			t.Logf("max FIFO slots %d, units at the end %d", maxEntries, len(tr.units))
			if len(tr.overtaken) != 0 || maxEntries > 4*lag+2*1024 || len(tr.units) > 3*1024 {
				t.Errorf("overtaken %d, max entries %d, units %d", len(tr.overtaken), maxEntries, len(tr.units))
			}
		})
	}
}

// entries is the number of FIFO slots allocated.
func (t *orderTracker) entries() int {
	n := 0
	for _, u := range t.units {
		n += cap(u.q)
	}
	return n
}

func TestNibbles(t *testing.T) {
	var a nibbles
	for _, seq := range []uint64{0, 1, 2, pageSeqs - 1, pageSeqs, 5*pageSeqs + 3} {
		if first, err := a.setOutcome(seq, oplog.Unknown); !first || err != nil {
			t.Fatalf("seq %d: %v %v", seq, first, err)
		}
		a.or(seq, nibDelivered)
		if first, _ := a.setOutcome(seq, oplog.OK); first {
			t.Errorf("seq %d: set twice", seq)
		}
	}
	for _, seq := range []uint64{0, 1, 2, pageSeqs - 1, pageSeqs, 5*pageSeqs + 3} {
		if got := a.get(seq); got != uint8(oplog.Unknown)|nibDelivered {
			t.Errorf("seq %d: nibble %x", seq, got)
		}
	}
	for _, seq := range []uint64{3, pageSeqs + 1, 2 * pageSeqs, 100 * pageSeqs, 1 << 62} {
		if got := a.get(seq); got != 0 {
			t.Errorf("unset seq %d: nibble %x", seq, got)
		}
	}
	if a.limit != 5*pageSeqs+4 {
		t.Errorf("limit %d", a.limit)
	}
	if _, err := a.setOutcome(maxSeq, oplog.OK); err == nil {
		t.Error("huge seq accepted")
	}
}

// TestOrderBigNext: a Next too far from its Seq for the packed entry goes
// through the side map, which is emptied as entries leave.
func TestOrderBigNext(t *testing.T) {
	p := newProducer(0, 0, nil)
	tr := newOrderTracker()
	k := sendUnit(0, false, 0, -1)
	far := uint64(1) << 30
	for _, seq := range []uint64{0, 1, far} {
		if _, err := p.nib.setOutcome(seq, oplog.OK); err != nil {
			t.Fatal(err)
		}
	}
	tr.acked(p, k, 0, far) // Next-Seq does not fit 24 bits
	tr.acked(p, k, 1, 0)   // Next < Seq: escaped too
	if len(tr.big) != 2 {
		t.Fatalf("side map: %v", tr.big)
	}
	if deliver(&tr, p, k, far, 10) {
		t.Fatal("far: late")
	}
	if !deliver(&tr, p, k, 0, 11) || !deliver(&tr, p, k, 1, 12) {
		t.Fatal("0 and 1 were overtaken by far")
	}
	if len(tr.big) != 0 || len(tr.overtaken) != 0 {
		t.Errorf("left over: side map %v, overtaken %v", tr.big, tr.overtaken)
	}
}
