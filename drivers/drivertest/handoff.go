package drivertest

import (
	"slices"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// testHandoff: consumer A acks only the first half of the messages, then
// closes; consumer B of the same group must get the unacked half (flagged
// Redelivered, and nothing else, when the driver Redelivers), then new
// messages, unflagged.
func testHandoff(t *testing.T, f *fixture) {
	if !f.caps.Delivers {
		t.Skip("driver delivers nothing")
	}
	mode := drivers.ModeSync
	if !slices.Contains(f.caps.modes(), mode) {
		mode = f.caps.modes()[0]
	}
	topic, group := f.topic(2), "g-handoff"
	n := uint64(min(f.caps.messages(), 200))
	half := n / 2
	colA := newCollector()
	a := f.consumer(0, topic, group, colA.handler(0, func(id msgID) bool { return id.seq < half }))
	p := f.producer(0, topic, mode, 64)
	res := newSendResult()
	send(f.ctx, p, sendSpec{producer: 0, topic: topic, mode: mode, n: n, window: 64}, res)
	f.waitDelivered(colA, res.ids, "consumer A")
	if err := a.Close(); err != nil {
		t.Fatalf("consumer A Close: %v", err)
	}
	acked, unacked := res.ids[:half], res.ids[half:]

	colB := newCollector()
	f.consumer(1, topic, group, colB.handler(1, nil))
	f.waitDelivered(colB, unacked, "consumer B, unacked by A")
	if f.caps.Redelivers {
		time.Sleep(settle)
		checkRedelivered(f, colB, unacked)
		if got := colB.countOf(acked); got != 0 {
			t.Errorf("consumer B got %d messages A had acked", got)
		}
	}

	more := newSendResult()
	send(f.ctx, p, sendSpec{producer: 0, topic: topic, mode: mode, from: n, n: 50, window: 64}, more)
	if err := p.Close(); err != nil {
		t.Errorf("producer Close: %v", err)
	}
	f.waitDelivered(colB, more.ids, "consumer B, new messages")
	time.Sleep(settle)
	checkOnce(f, colB, more.ids)
}

// checkRedelivered: each id delivered exactly once more, flagged.
func checkRedelivered(f *fixture, col *collector, ids []msgID) {
	bad := 0
	for _, id := range ids {
		ds := col.deliveries(id)
		if len(ds) == 1 && ds[0].redelivered {
			continue
		}
		if bad++; bad <= 10 {
			f.t.Errorf("unacked message %d/%d: next consumer got %+v, want one delivery flagged Redelivered", id.producer, id.seq, ds)
		}
	}
}
