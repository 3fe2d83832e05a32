package memory_test

import (
	"context"
	"errors"
	"hash/fnv"
	"slices"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

func partitionsOf(recs []got) []int32 {
	var ps []int32
	for _, r := range recs {
		if !slices.Contains(ps, r.part) {
			ps = append(ps, r.part)
		}
	}
	slices.Sort(ps)
	return ps
}

// TestAssignment: partitions go round-robin to the members in join order
// and move to the remaining member when one closes.
func TestAssignment(t *testing.T) {
	d := newDriver(t, 4, nil)
	a, _ := consume(t, d, "g", true)
	b, cb := consume(t, d, "g", true)
	p := producer(t, d, 0, drivers.ModeSync)
	for i := range uint64(8) {
		if _, err := p.Send(context.Background(), message(i)); err != nil {
			t.Fatal(err)
		}
	}
	ra, rb := a.wait(t, 4), b.wait(t, 4)
	if pa, pb := partitionsOf(ra), partitionsOf(rb); !slices.Equal(pa, []int32{0, 2}) || !slices.Equal(pb, []int32{1, 3}) {
		t.Fatalf("first member got partitions %v, second %v; want [0 2] and [1 3]", pa, pb)
	}
	cb.Close()
	sendN(t, p, drivers.ModeSync, 8, 8)
	if ra := a.wait(t, 12); !slices.Equal(partitionsOf(ra[4:]), []int32{0, 1, 2, 3}) {
		t.Fatalf("after the second member left, the first got %v", partitionsOf(ra[4:]))
	}
}

// TestGroupsAreIndependent: each group gets every message, and a
// redeliver injection happens once per group.
func TestGroupsAreIndependent(t *testing.T) {
	d := newDriver(t, 2, func(o *memory.Options) {
		o.Inject = memory.Inject{From: 0, To: 1, Redeliver: 1, ReorderDistance: 1}
	})
	a, _ := consume(t, d, "a", true)
	b, _ := consume(t, d, "b", true)
	sendN(t, producer(t, d, 0, drivers.ModeSync), drivers.ModeSync, 0, 10)
	for name, s := range map[string]*sink{"a": a, "b": b} {
		recs := s.wait(t, 11)
		if f := analyse(recs, 10); len(f.lost) != 0 || !slices.Equal(f.redelivered, []uint64{0}) || len(f.dup) != 0 {
			t.Errorf("group %s: %+v", name, f)
		}
	}
}

// TestUnackedRedelivered: unacked deliveries of a closed consumer go to
// the next owner flagged; its stale Ack then fails, as does a double ack.
func TestUnackedRedelivered(t *testing.T) {
	d := newDriver(t, 1, nil)
	a, ca := consume(t, d, "g", false)
	sendN(t, producer(t, d, 0, drivers.ModeSync), drivers.ModeSync, 0, 3)
	ra := a.wait(t, 3)
	if err := ra[0].ack(); err != nil {
		t.Fatal(err)
	}
	if err := ra[0].ack(); !errors.Is(err, memory.ErrAckNotHeld) {
		t.Fatalf("double ack: %v, want ErrAckNotHeld", err)
	}
	ca.Close()
	if err := ra[1].ack(); !errors.Is(err, memory.ErrAckNotHeld) {
		t.Fatalf("ack after Close: %v, want ErrAckNotHeld", err)
	}
	b, _ := consume(t, d, "g", true)
	rb := b.wait(t, 2)
	time.Sleep(20 * time.Millisecond)
	if got := pattern(b.all()); got != "1R 2R" {
		t.Fatalf("next consumer got %q, want \"1R 2R\"", got)
	}
	if rb[0].off != 1 || rb[1].off != 2 {
		t.Fatalf("redelivered offsets %d %d, want 1 2", rb[0].off, rb[1].off)
	}
}

// TestKeyedRouting: a keyed message goes to FNV-1a(key) mod partitions.
func TestKeyedRouting(t *testing.T) {
	d := newDriver(t, 5, nil)
	p := producer(t, d, 0, drivers.ModeSync)
	for _, k := range []string{"", "a", "key-1", "key-2", "some longer key"} {
		m := message(0)
		m.Key = []byte(k)
		ack, err := p.Send(context.Background(), m)
		if err != nil {
			t.Fatal(err)
		}
		h := fnv.New32a()
		h.Write([]byte(k))
		if want := int32(h.Sum32() % 5); ack.Partition != want {
			t.Errorf("key %q: partition %d, want %d", k, ack.Partition, want)
		}
	}
	for i := range 7 { // unkeyed: round-robin from 0
		ack, err := p.Send(context.Background(), message(0))
		if err != nil || ack.Partition != int32(i%5) {
			t.Fatalf("unkeyed send %d: %+v %v, want partition %d", i, ack, err, i%5)
		}
	}
}

func TestDeliveryLatency(t *testing.T) {
	const lat = 200 * time.Millisecond
	d := newDriver(t, 1, func(o *memory.Options) { o.DeliveryLatency = lat })
	s, _ := consume(t, d, "g", true)
	p := producer(t, d, 0, drivers.ModeSync)
	sent := time.Now()
	if _, err := p.Send(context.Background(), message(0)); err != nil {
		t.Fatal(err)
	}
	if wait := s.wait(t, 1)[0].at.Sub(sent); wait < lat*9/10 {
		t.Fatalf("delivered after %v, want >= %v", wait, lat)
	}
}

func TestSetupErrors(t *testing.T) {
	d := newDriver(t, 2, nil)
	ctx := context.Background()
	if err := d.Setup(ctx, []drivers.Destination{{Name: "t", Partitions: 3}}); err == nil {
		t.Error("Setup with another partition count succeeded")
	}
	if err := d.Setup(ctx, []drivers.Destination{{Name: "", Partitions: 1}}); err == nil {
		t.Error("Setup of an unnamed destination succeeded")
	}
	_, err := d.NewConsumer(ctx, drivers.ConsumerConfig{Topic: "nope", Group: "g"}, func(*drivers.Delivery) {})
	if !errors.Is(err, memory.ErrUnknownTopic) {
		t.Errorf("consumer of an unknown topic: %v", err)
	}
}
