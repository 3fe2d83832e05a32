package recorder

import (
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// TestCompleteWaitsForEverySubscriber: after SetBroadcast the drain is
// complete only once each consumer got every acked message; without it,
// once any consumer got each.
func TestCompleteWaitsForEverySubscriber(t *testing.T) {
	for _, broadcast := range []bool{false, true} {
		r, err := New(Config{Dir: t.TempDir(), Producers: 1, Consumers: 2, Origin: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if broadcast {
			r.SetBroadcast()
		}
		p := r.Producer(0)
		for range 2 {
			seq := p.NextSeq(0)
			p.Complete(&oplog.Send{Seq: seq, Outcome: oplog.OK, Partition: -1, Offset: -1}, false)
		}
		deliver := func(c int, seq uint64) bool {
			return r.Consumer(c).Record(&oplog.Delivery{Kind: oplog.KindDelivery, Seq: seq, Partition: -1, Offset: -1})
		}
		if !deliver(0, 0) || !deliver(1, 1) {
			t.Fatalf("broadcast %v: a first delivery was not reported first", broadcast)
		}
		if got := r.Complete(); got != !broadcast {
			t.Errorf("broadcast %v: each message delivered to one consumer: Complete %v", broadcast, got)
		}
		if deliver(0, 1) || deliver(1, 0) {
			t.Fatalf("broadcast %v: a second delivery was reported first", broadcast)
		}
		if !r.Complete() {
			t.Errorf("broadcast %v: every consumer got everything, not Complete", broadcast)
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
