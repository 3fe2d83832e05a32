package memory_test

import (
	"context"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

// heldDriver holds arrival index 0 back (reorder, distance 3), on one
// partition.
func heldDriver(t *testing.T) *memory.Driver {
	return newDriver(t, 1, func(o *memory.Options) {
		o.Inject = memory.Inject{From: 0, To: 1, Reorder: 1, ReorderDistance: 3}
	})
}

// TestReorderTimeout: a held message with no followers is appended after
// ReorderMaxHold, and counted short.
func TestReorderTimeout(t *testing.T) {
	d := heldDriver(t)
	s, _ := consume(t, d, "g", true)
	p := producer(t, d, 0, drivers.ModeSync)
	sent := time.Now()
	ack, err := p.Send(context.Background(), message(0))
	if err != nil {
		t.Fatal(err)
	}
	if ack != (drivers.Ack{Partition: 0, Offset: -1}) {
		t.Fatalf("held message acked %+v, want partition 0 offset -1", ack)
	}
	r := s.wait(t, 1)[0]
	if wait := r.at.Sub(sent); wait < memory.ReorderMaxHold*9/10 {
		t.Fatalf("held message delivered after %v, before ReorderMaxHold", wait)
	}
	if got := d.Injected(); got.Reorder != 1 || got.ReorderShort != 1 {
		t.Fatalf("Injected() = %+v, want Reorder 1, ReorderShort 1", got)
	}
}

// TestReorderProducerClose: closing the producer appends what it holds (that
// it happens within Close, not later by timeout, is tested in
// internal_test.go).
func TestReorderProducerClose(t *testing.T) {
	d := heldDriver(t)
	s, _ := consume(t, d, "g", true)
	p := producer(t, d, 0, drivers.ModeAsync)
	sendN(t, p, drivers.ModeAsync, 0, 2) // closes p
	recs := s.wait(t, 2)
	if got := seqs(recs); got[0] != 1 || got[1] != 0 {
		t.Fatalf("delivered %v, want [1 0]", got)
	}
	if got := d.Injected(); got.ReorderShort != 1 {
		t.Fatalf("Injected() = %+v, want ReorderShort 1", got)
	}
}

// TestReorderDriverClose: closing the driver appends what is held, and an
// open consumer still delivers it.
func TestReorderDriverClose(t *testing.T) {
	d := heldDriver(t)
	s, _ := consume(t, d, "g", true)
	p := producer(t, d, 0, drivers.ModeSync)
	if _, err := p.Send(context.Background(), message(0)); err != nil {
		t.Fatal(err)
	}
	d.Close()
	if r := s.wait(t, 1)[0]; r.seq != 0 {
		t.Fatalf("got seq %d, want 0", r.seq)
	}
	if _, err := p.Send(context.Background(), message(1)); !drivers.IsFail(err) {
		t.Fatalf("send after driver Close: %v, want a definite failure", err)
	}
}
