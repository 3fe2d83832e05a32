package rabbitmq_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

var queueSeq atomic.Int64

// topic sets up a destination with a unique name on d and returns it.
func topic(t testing.TB, d drivers.Driver, prefix string, partitions int) string {
	t.Helper()
	name := fmt.Sprintf("bb-%s-%d-%d", prefix, time.Now().UnixNano()%1e9, queueSeq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.Setup(ctx, []drivers.Destination{{Name: name, Partitions: partitions}}); err != nil {
		t.Fatal(err)
	}
	return name
}

// message returns a 124-byte message of producer with seq, keyed by seq % 4.
func message(topic string, producer uint32, seq uint64) *drivers.Message {
	buf := make([]byte, 124)
	(&drivers.Envelope{Producer: producer, Seq: seq, Keyed: true, Key: uint32(seq % 4)}).Encode(buf)
	return &drivers.Message{Topic: topic, Key: []byte{byte(seq % 4)}, Payload: buf}
}

// rec is one delivery a sink saw.
type rec struct {
	consumer    int
	part        int32
	off         int64
	redelivered bool
}

// id is a message's harness identity.
type id struct {
	producer uint32
	seq      uint64
}

// sink records deliveries of any number of consumers; safe for concurrent
// use.
type sink struct {
	mu   sync.Mutex
	recs map[id][]rec
	bad  []string
}

func newSink() *sink { return &sink{recs: map[id][]rec{}} }

// handler records each delivery and acks it when ack is true.
func (s *sink) handler(consumer int, ack bool) drivers.Handler {
	return func(d *drivers.Delivery) {
		env, err := drivers.DecodeEnvelope(d.Payload)
		s.mu.Lock()
		if err != nil {
			s.bad = append(s.bad, err.Error())
		} else {
			k := id{env.Producer, env.Seq}
			s.recs[k] = append(s.recs[k], rec{consumer, d.Partition, d.Offset, d.Redelivered})
		}
		s.mu.Unlock()
		if ack {
			_ = d.Ack()
		}
	}
}

// get returns a copy of the deliveries of k.
func (s *sink) get(k id) []rec {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]rec(nil), s.recs[k]...)
}

// distinct is the number of distinct messages delivered.
func (s *sink) distinct() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recs)
}

// wait waits (bounded) until the sink holds at least n distinct messages.
func (s *sink) wait(t testing.TB, n int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for s.distinct() < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v with %d of %d messages delivered", limit, s.distinct(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bad) > 0 {
		t.Fatalf("%d undecodable deliveries, first: %s", len(s.bad), s.bad[0])
	}
}

// consume opens a consumer closed when t ends.
func consume(t testing.TB, d drivers.Driver, consumerID int, topic string, h drivers.Handler) drivers.Consumer {
	t.Helper()
	c, err := d.NewConsumer(context.Background(), drivers.ConsumerConfig{ID: consumerID, Topic: topic, Group: "g"}, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// produce opens a producer closed when t ends.
func produce(t testing.TB, d drivers.Driver, producerID int, topic string, mode drivers.Mode, window int) drivers.Producer {
	t.Helper()
	p, err := d.NewProducer(context.Background(), drivers.ProducerConfig{ID: producerID, Topic: topic, Mode: mode, Window: window})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// outcomes are the send results of one producer by seq; safe for
// concurrent use.
type outcomes struct {
	mu    sync.Mutex
	err   map[uint64]error
	acks  map[uint64]drivers.Ack
	count map[uint64]int
}

func newOutcomes() *outcomes {
	return &outcomes{err: map[uint64]error{}, acks: map[uint64]drivers.Ack{}, count: map[uint64]int{}}
}

func (o *outcomes) record(seq uint64, ack drivers.Ack, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.count[seq]++
	o.err[seq], o.acks[seq] = err, ack
}

// ack returns the ack of seq.
func (o *outcomes) ack(seq uint64) drivers.Ack {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.acks[seq]
}

// errOf returns the outcome error of seq.
func (o *outcomes) errOf(seq uint64) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.err[seq]
}

// sendOne sends seq in mode and records its outcome.
func sendOne(ctx context.Context, p drivers.Producer, mode drivers.Mode, m *drivers.Message, seq uint64, o *outcomes) {
	switch mode {
	case drivers.ModeSync:
		ack, err := p.Send(ctx, m)
		o.record(seq, ack, err)
	case drivers.ModeAsync:
		p.SendAsync(ctx, m, func(ack drivers.Ack, err error) { o.record(seq, ack, err) })
	case drivers.ModeOneway:
		o.record(seq, drivers.NoAck, p.SendOneway(ctx, m))
	}
}

// tally counts outcomes: ok, definite failures, unknown; and checks each
// seq in [0, n) reported exactly once.
func (o *outcomes) tally(t testing.TB, n uint64) (ok, fail, unknown int) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	for seq := range n {
		if c := o.count[seq]; c != 1 {
			t.Errorf("seq %d: outcome reported %d times", seq, c)
		}
		switch err := o.err[seq]; {
		case err == nil:
			ok++
		case drivers.IsFail(err):
			fail++
		default:
			unknown++
		}
	}
	return ok, fail, unknown
}
