package rabbitmq_test

import (
	"context"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// TestModes sends in every mode to classic and quorum queues (two
// partitions, producer and consumer on different nodes) and checks that
// every message is acked (sync, async) and delivered exactly once, in its
// ack's partition.
func TestModes(t *testing.T) {
	needCluster(t)
	const n = 300
	for _, qt := range []string{rabbitmq.QueueClassic, rabbitmq.QueueQuorum} {
		d := open(t, func(o *rabbitmq.Options) { o.QueueType = qt })
		for i, mode := range []drivers.Mode{drivers.ModeSync, drivers.ModeAsync, drivers.ModeOneway} {
			t.Run(qt+"/"+mode.String(), func(t *testing.T) {
				name := topic(t, d, qt+"-"+mode.String(), 2)
				s := newSink()
				consume(t, d, i+1, name, s.handler(0, true))
				p := produce(t, d, i, name, mode, 32)
				o := newOutcomes()
				ctx := context.Background()
				for seq := range uint64(n) {
					sendOne(ctx, p, mode, message(name, 0, seq), seq, o)
				}
				if err := p.Close(); err != nil {
					t.Fatal(err)
				}
				if ok, fail, unknown := o.tally(t, n); ok != n {
					t.Errorf("%d ok, %d failed, %d unknown of %d", ok, fail, unknown, n)
				}
				s.wait(t, n, 20*time.Second)
				time.Sleep(100 * time.Millisecond)
				for seq := range uint64(n) {
					rs := s.get(id{0, seq})
					if len(rs) != 1 || rs[0].redelivered || rs[0].off != -1 {
						t.Fatalf("seq %d delivered as %+v, want once, unflagged, offset -1", seq, rs)
					}
					if ack := o.ack(seq); mode != drivers.ModeOneway && ack.Partition != rs[0].part {
						t.Fatalf("seq %d: ack partition %d, delivered from %d", seq, ack.Partition, rs[0].part)
					}
				}
			})
		}
	}
}
