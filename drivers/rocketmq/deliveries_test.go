package rocketmq

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// deliveryLog records every delivery of one consumer by sequence number
// (harness envelopes with producer 0) and acks it.
type deliveryLog struct {
	mu          sync.Mutex
	bySeq       map[uint64][]bool // Redelivered flag of each delivery
	undecodable int
}

func newDeliveryLog() *deliveryLog { return &deliveryLog{bySeq: map[uint64][]bool{}} }

func (l *deliveryLog) handler(d *drivers.Delivery) {
	env, err := drivers.DecodeEnvelope(d.Payload)
	l.mu.Lock()
	if err != nil {
		l.undecodable++
	} else {
		l.bySeq[env.Seq] = append(l.bySeq[env.Seq], d.Redelivered)
	}
	l.mu.Unlock()
	if d.Ack != nil {
		_ = d.Ack()
	}
}

// distinct returns how many messages were delivered at least once.
func (l *deliveryLog) distinct() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.bySeq)
}

// snapshot returns a copy of the deliveries by sequence number.
func (l *deliveryLog) snapshot() map[uint64][]bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[uint64][]bool, len(l.bySeq))
	for k, v := range l.bySeq {
		out[k] = append([]bool(nil), v...)
	}
	return out
}

// consume opens a consumer of group on topic into a new log; closed when
// t ends.
func consume(t *testing.T, d drivers.Driver, topic, group string, id int) *deliveryLog {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	l := newDeliveryLog()
	c, err := d.NewConsumer(ctx, drivers.ConsumerConfig{ID: id, Topic: topic, Group: group}, l.handler)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return l
}

// waitAllDelivered opens a consumer and waits until it has delivered
// sequence numbers 0..n-1, each at least once, none undecodable.
func waitAllDelivered(t *testing.T, d drivers.Driver, topic, group string, n int) *deliveryLog {
	t.Helper()
	l := consume(t, d, topic, group, 0)
	waitUntil(t, 30*time.Second, func() bool { return l.distinct() >= n })
	checkSeqs(t, l, n)
	return l
}

// checkSeqs: exactly the sequence numbers 0..n-1 were delivered.
func checkSeqs(t *testing.T, l *deliveryLog, n int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.undecodable > 0 {
		t.Errorf("%d undecodable deliveries", l.undecodable)
	}
	for seq := range l.bySeq {
		if seq >= uint64(n) {
			t.Errorf("unexpected seq %d delivered", seq)
		}
	}
}

// sendSync sends n messages with sequence numbers 0..n-1 through a new
// plain sync producer and closes it.
func sendSync(t *testing.T, d drivers.Driver, topic string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := d.NewProducer(ctx, drivers.ProducerConfig{Topic: topic, Mode: drivers.ModeSync})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	buf := make([]byte, 64)
	for seq := range uint64(n) {
		(&drivers.Envelope{Seq: seq}).Encode(buf)
		if _, err := p.Send(ctx, &drivers.Message{Topic: topic, Payload: buf}); err != nil {
			t.Fatalf("send %d: %v", seq, err)
		}
	}
}
