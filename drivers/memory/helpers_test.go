package memory_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

// newDriver opens a memory driver with the default options changed by edit,
// one topic "t" with the given partitions, closed when t ends.
func newDriver(t testing.TB, partitions int, edit func(o *memory.Options)) *memory.Driver {
	t.Helper()
	o := memory.DefaultOptions()
	if edit != nil {
		edit(o)
	}
	d, err := memory.New(o, drivers.Env{Start: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Setup(context.Background(), []drivers.Destination{{Name: "t", Partitions: partitions}}); err != nil {
		t.Fatal(err)
	}
	return d
}

// got is one delivery as a sink saw it.
type got struct {
	seq         uint64
	part        int32
	off         int64
	redelivered bool
	at          time.Time
	ack         func() error
	delay       time.Duration
}

// sink collects deliveries; safe for concurrent use.
type sink struct {
	mu   sync.Mutex
	recs []got
}

// handler records each delivery and acks it when ack is true.
func (s *sink) handler(t testing.TB, ack bool) drivers.Handler {
	return func(d *drivers.Delivery) {
		env, err := drivers.DecodeEnvelope(d.Payload)
		if err != nil {
			t.Errorf("undecodable delivery %d/%d: %v", d.Partition, d.Offset, err)
			return
		}
		s.mu.Lock()
		s.recs = append(s.recs, got{env.Seq, d.Partition, d.Offset, d.Redelivered, time.Now(), d.Ack, d.Delay})
		s.mu.Unlock()
		if ack {
			if err := d.Ack(); err != nil {
				t.Errorf("ack: %v", err)
			}
		}
	}
}

func (s *sink) all() []got {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]got(nil), s.recs...)
}

// wait waits (bounded by 10 s) until the sink holds at least n deliveries.
func (s *sink) wait(t testing.TB, n int) []got {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		recs := s.all()
		if len(recs) >= n {
			return recs
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out with %d of %d deliveries", len(recs), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func consume(t testing.TB, d *memory.Driver, group string, ack bool) (*sink, drivers.Consumer) {
	t.Helper()
	s := &sink{}
	c, err := d.NewConsumer(context.Background(), drivers.ConsumerConfig{Topic: "t", Group: group}, s.handler(t, ack))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return s, c
}

func producer(t testing.TB, d *memory.Driver, id int, mode drivers.Mode) drivers.Producer {
	t.Helper()
	p, err := d.NewProducer(context.Background(), drivers.ProducerConfig{ID: id, Topic: "t", Mode: mode, Window: 64})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// message returns an unkeyed 124-byte message with producer 0's envelope.
func message(seq uint64) *drivers.Message {
	buf := make([]byte, 124)
	(&drivers.Envelope{Seq: seq}).Encode(buf)
	return &drivers.Message{Topic: "t", Payload: buf}
}

// sendN sends seqs [from, from+n) unkeyed in mode, then closes p, and
// returns the acks by seq (NoAck for oneway). Any send error fails t.
func sendN(t testing.TB, p drivers.Producer, mode drivers.Mode, from, n uint64) []drivers.Ack {
	t.Helper()
	ctx := context.Background()
	acks := make([]drivers.Ack, n)
	var mu sync.Mutex
	for i := range n {
		m := message(from + i)
		switch mode {
		case drivers.ModeSync:
			ack, err := p.Send(ctx, m)
			if err != nil {
				t.Fatalf("send %d: %v", from+i, err)
			}
			acks[i] = ack
		case drivers.ModeAsync:
			p.SendAsync(ctx, m, func(ack drivers.Ack, err error) {
				if err != nil {
					t.Errorf("send %d: %v", from+i, err)
				}
				mu.Lock()
				acks[i] = ack
				mu.Unlock()
			})
		case drivers.ModeOneway:
			if err := p.SendOneway(ctx, m); err != nil {
				t.Fatalf("send %d: %v", from+i, err)
			}
			acks[i] = drivers.NoAck
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	return acks
}

// seqs lists the seqs of recs.
func seqs(recs []got) []uint64 {
	out := make([]uint64, len(recs))
	for i, r := range recs {
		out[i] = r.seq
	}
	return out
}
