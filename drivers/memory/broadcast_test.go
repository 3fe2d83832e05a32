package memory_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

// TestBroadcastEveryConsumerGetsEverything: with broadcast every
// consumer of one group gets every message of every partition, and a
// redeliver injection happens once per consumer.
func TestBroadcastEveryConsumerGetsEverything(t *testing.T) {
	d := newDriver(t, 3, func(o *memory.Options) {
		o.Broadcast = true
		o.Inject = memory.Inject{From: 4, To: 5, Redeliver: 1, ReorderDistance: 1}
	})
	if !d.Broadcasting() {
		t.Fatal("Broadcasting() false with broadcast: true")
	}
	var sinks []*sink
	for range 3 {
		s, _ := consume(t, d, "g", true)
		sinks = append(sinks, s)
	}
	sendN(t, producer(t, d, 0, drivers.ModeSync), drivers.ModeSync, 0, 12)
	for i, s := range sinks {
		recs := s.wait(t, 13)
		time.Sleep(20 * time.Millisecond) // nothing more may come
		recs = s.all()
		if f := analyse(recs, 12); len(recs) != 13 || len(f.lost) != 0 || len(f.dup) != 0 || !slices.Equal(f.redelivered, []uint64{4}) {
			t.Errorf("consumer %d: %d deliveries, %+v", i, len(recs), f)
		}
		if ps := partitionsOf(recs); !slices.Equal(ps, []int32{0, 1, 2}) {
			t.Errorf("consumer %d read partitions %v, want all", i, ps)
		}
	}
}

// TestBroadcastCloseKeepsOthers: a broadcasting consumer that closes
// with unacked deliveries hands nothing to the others (they have their
// own copies), and its stale Ack fails.
func TestBroadcastCloseKeepsOthers(t *testing.T) {
	d := newDriver(t, 1, func(o *memory.Options) { o.Broadcast = true })
	a, ca := consume(t, d, "g", false)
	b, _ := consume(t, d, "g", true)
	sendN(t, producer(t, d, 0, drivers.ModeSync), drivers.ModeSync, 0, 5)
	ra := a.wait(t, 5)
	b.wait(t, 5)
	ca.Close()
	if err := ra[0].ack(); !errors.Is(err, memory.ErrAckNotHeld) {
		t.Errorf("ack after Close: %v, want ErrAckNotHeld", err)
	}
	time.Sleep(20 * time.Millisecond)
	if rb := b.all(); len(rb) != 5 || slices.ContainsFunc(rb, func(g got) bool { return g.redelivered }) {
		t.Errorf("the other consumer got %d deliveries %v (redelivered flags: want none)", len(rb), seqs(rb))
	}
}

// TestGroupIsNotBroadcasting: by default the driver says it is a group.
func TestGroupIsNotBroadcasting(t *testing.T) {
	if newDriver(t, 1, nil).Broadcasting() {
		t.Error("Broadcasting() true without broadcast")
	}
}
