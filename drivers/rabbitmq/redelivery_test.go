package rabbitmq_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// TestRedeliveryAfterConsumerCrash: a consumer takes every message and
// closes without acking any (a crash before processing); the next consumer
// gets each of them once more, flagged Redelivered: an allowed
// redelivery, not a broker-side duplicate.
func TestRedeliveryAfterConsumerCrash(t *testing.T) {
	for _, qt := range []string{rabbitmq.QueueClassic, rabbitmq.QueueQuorum} {
		t.Run(qt, func(t *testing.T) {
			d := open(t, func(o *rabbitmq.Options) { o.QueueType = qt; o.Prefetch = 1000 })
			name := topic(t, d, "crash-"+qt, 1)
			const n = 200
			p := produce(t, d, 0, name, drivers.ModeAsync, 64)
			o := newOutcomes()
			for seq := range uint64(n) {
				sendOne(context.Background(), p, drivers.ModeAsync, message(name, 0, seq), seq, o)
			}
			p.Close()
			if ok, _, _ := o.tally(t, n); ok != n {
				t.Fatalf("%d of %d acked", ok, n)
			}
			s := newSink()
			crashed := consume(t, d, 1, name, s.handler(1, false))
			s.wait(t, n, 20*time.Second)
			if err := crashed.Close(); err != nil {
				t.Fatal(err)
			}
			consume(t, d, 2, name, s.handler(2, true))
			deadline := time.Now().Add(20 * time.Second)
			for seq := uint64(0); seq < n; {
				rs := s.get(id{0, seq})
				switch {
				case len(rs) == 2:
					if rs[0].consumer != 1 || rs[0].redelivered || rs[1].consumer != 2 || !rs[1].redelivered {
						t.Fatalf("seq %d: deliveries %+v, want unflagged to 1, then flagged to 2", seq, rs)
					}
					seq++
				case len(rs) > 2:
					t.Fatalf("seq %d delivered %d times: %+v", seq, len(rs), rs)
				case time.Now().After(deadline):
					t.Fatalf("seq %d not redelivered: %+v", seq, rs)
				default:
					time.Sleep(5 * time.Millisecond)
				}
			}
		})
	}
}

// TestSingleActiveConsumer: with single_active_consumer, of two consumers
// only one gets messages; when it closes the other takes over.
func TestSingleActiveConsumer(t *testing.T) {
	d := open(t, func(o *rabbitmq.Options) { o.QueueType = rabbitmq.QueueQuorum; o.SingleActiveConsumer = true })
	name := topic(t, d, "sac", 1)
	var got [2]atomic.Int64
	h := func(i int) drivers.Handler {
		return func(dl *drivers.Delivery) { got[i].Add(1); dl.Ack() }
	}
	first := consume(t, d, 0, name, h(0))
	time.Sleep(200 * time.Millisecond) // first registers first: it is the active one
	consume(t, d, 1, name, h(1))
	p := produce(t, d, 2, name, drivers.ModeSync, 1)
	send := func(from, n uint64) {
		for seq := from; seq < from+n; seq++ {
			if _, err := p.Send(context.Background(), message(name, 0, seq)); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitCount := func(c *atomic.Int64, n int64) {
		deadline := time.Now().Add(10 * time.Second)
		for c.Load() < n && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
	}
	send(0, 50)
	waitCount(&got[0], 50)
	if a, b := got[0].Load(), got[1].Load(); a != 50 || b != 0 {
		t.Fatalf("active consumer got %d, the other %d; want 50 and 0", a, b)
	}
	first.Close()
	send(50, 50)
	waitCount(&got[1], 50)
	if b := got[1].Load(); b != 50 {
		t.Fatalf("after the active consumer closed, the other got %d of 50", b)
	}
}
