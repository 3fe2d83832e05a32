package rabbitmq_test

import (
	"context"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// TestStream writes a stream in sync and async mode and reads it with
// offsets: a consumer from the first offset sees every message once, in
// offset order; a consumer from "next" sees only what came after it.
func TestStream(t *testing.T) {
	first := open(t, func(o *rabbitmq.Options) { o.QueueType = rabbitmq.QueueStream })
	next := open(t, func(o *rabbitmq.Options) {
		o.QueueType = rabbitmq.QueueStream
		o.Stream.Offset = rabbitmq.OffsetNext
	})
	name := topic(t, first, "stream", 1)
	ctx := context.Background()
	o := newOutcomes()
	sp := produce(t, first, 0, name, drivers.ModeSync, 1)
	for seq := range uint64(200) {
		sendOne(ctx, sp, drivers.ModeSync, message(name, 0, seq), seq, o)
	}
	ap := produce(t, first, 1, name, drivers.ModeAsync, 64)
	for seq := uint64(200); seq < 400; seq++ {
		sendOne(ctx, ap, drivers.ModeAsync, message(name, 0, seq), seq, o)
	}
	if err := ap.Close(); err != nil {
		t.Fatal(err)
	}
	if ok, fail, unknown := o.tally(t, 400); ok != 400 {
		t.Fatalf("%d ok, %d failed, %d unknown of 400", ok, fail, unknown)
	}

	all, later := newSink(), newSink()
	consume(t, first, 0, name, all.handler(0, true))
	all.wait(t, 400, 20*time.Second)
	consume(t, next, 1, name, later.handler(1, true))
	time.Sleep(300 * time.Millisecond) // the "next" consumer is attached
	for seq := uint64(400); seq < 450; seq++ {
		sendOne(ctx, sp, drivers.ModeSync, message(name, 0, seq), seq, o)
	}
	all.wait(t, 450, 20*time.Second)
	later.wait(t, 50, 20*time.Second)
	time.Sleep(100 * time.Millisecond)

	lastOff := int64(-1)
	for seq := range uint64(450) {
		rs := all.get(id{0, seq})
		if len(rs) != 1 || rs[0].off <= lastOff || rs[0].part != 0 {
			t.Fatalf("seq %d: deliveries %+v (previous offset %d), want one at a higher offset", seq, rs, lastOff)
		}
		lastOff = rs[0].off
		if got := len(later.get(id{0, seq})); (seq >= 400) != (got == 1) || got > 1 {
			t.Errorf("seq %d delivered %d times to the consumer from \"next\"", seq, got)
		}
	}
}
