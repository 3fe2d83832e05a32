package rocketmq

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// orderLog records first deliveries per key, in arrival order.
type orderLog struct {
	mu    sync.Mutex
	byKey map[uint32][]uint64
	seen  map[uint64]bool
	dups  int
}

func (l *orderLog) handler(d *drivers.Delivery) {
	env, err := drivers.DecodeEnvelope(d.Payload)
	if d.Ack != nil {
		_ = d.Ack()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.dups = -1 << 30 // poison: undecodable delivery
		return
	}
	if l.seen[env.Seq] {
		l.dups++
		return
	}
	l.seen[env.Seq] = true
	l.byKey[env.Key] = append(l.byKey[env.Key], env.Seq)
}

// TestOrderedBrokerStopAgainstTestDouble: ordered (hash-selected) keyed sync
// sends over two brokers of the rmqtest TEST DOUBLE; broker 1 is stopped
// half way. Sends of the keys whose queue is on broker 1 then fail
// (definitely: the connection is refused) instead of moving to another
// queue, the other keys keep going, and every key's deliveries stay in
// send order.
func TestOrderedBrokerStopAgainstTestDouble(t *testing.T) {
	skipConsumersUnderRace(t)
	c, o := startTestDouble(t, 2)
	o.Ordered = true
	o.Consumer.Order = "orderly"
	d := openDriver(t, o)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const topic, keys, n = "ordered-stop", 16, 400
	if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	log := &orderLog{byKey: map[uint32][]uint64{}, seen: map[uint64]bool{}}
	cons, err := d.NewConsumer(ctx, drivers.ConsumerConfig{Topic: topic, Group: "g-ordered-stop"}, log.handler)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	p, err := d.NewProducer(ctx, drivers.ProducerConfig{Topic: topic, Mode: drivers.ModeSync})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()

	keyPart := map[uint32]int32{}
	failedKeys := map[uint32]int{}
	acked := map[uint64]uint32{}
	failures, unknown := 0, 0
	buf := make([]byte, 64)
	for seq := range uint64(n) {
		if seq == n/2 {
			if err := c.StopBroker(1); err != nil {
				t.Fatal(err)
			}
		}
		key := uint32(seq%keys) + 1
		(&drivers.Envelope{Producer: 0, Seq: seq, Keyed: true, Key: key}).Encode(buf)
		ack, err := p.Send(ctx, &drivers.Message{Topic: topic, Key: fmt.Appendf(nil, "k%d", key), Payload: buf})
		switch {
		case err == nil:
			if prev, ok := keyPart[key]; ok && prev != ack.Partition {
				t.Errorf("key %d moved from partition %d to %d", key, prev, ack.Partition)
			}
			keyPart[key] = ack.Partition
			acked[seq] = key
		case drivers.IsFail(err):
			failures++
			failedKeys[key]++
			if seq < n/2 {
				t.Errorf("send %d failed before the broker stopped: %v", seq, err)
			}
		default:
			unknown++
			t.Errorf("send %d: outcome unknown: %v", seq, err)
		}
	}
	t.Logf("test double: %d sends, %d acked, %d failed definitely (keys %v), %d unknown", n, len(acked), failures, failedKeys, unknown)
	checkStopOutcome(t, c.Broker(1).Name(), keyPart, failedKeys, failures)

	// Every acked message of a key on the surviving broker is delivered
	// (the stopped broker's messages are stranded, not lost); order per key.
	want := 0
	for _, k := range acked {
		if failedKeys[k] == 0 {
			want++
		}
	}
	waitUntil(t, 20*time.Second, func() bool {
		log.mu.Lock()
		defer log.mu.Unlock()
		return len(log.seen) >= want
	})
	checkKeyOrder(t, log)
}

// checkStopOutcome: some sends failed, the failing keys all map to one
// broker, and every key on that broker failed.
func checkStopOutcome(t *testing.T, stopped string, keyPart map[uint32]int32, failedKeys map[uint32]int, failures int) {
	t.Helper()
	if failures == 0 {
		t.Fatalf("no send failed after %s stopped", stopped)
	}
	// The failing keys all map to one broker (one partition range).
	ranges := map[int32]bool{}
	for k := range failedKeys {
		ranges[keyPart[k]/QueueStride] = true
	}
	if len(ranges) != 1 {
		t.Errorf("failing keys spread over %d brokers, want 1", len(ranges))
	}
	for k, p := range keyPart {
		r := p / QueueStride
		if ranges[r] && failedKeys[k] == 0 {
			t.Errorf("key %d on the stopped broker's partition %d never failed", k, p)
		}
	}
}

func checkKeyOrder(t *testing.T, log *orderLog) {
	t.Helper()
	log.mu.Lock()
	defer log.mu.Unlock()
	if log.dups < 0 {
		t.Fatal("undecodable delivery")
	}
	for k, seqs := range log.byKey {
		for i := 1; i < len(seqs); i++ {
			if seqs[i] < seqs[i-1] {
				t.Errorf("key %d: seq %d delivered after %d", k, seqs[i], seqs[i-1])
			}
		}
	}
	t.Logf("%d keys delivered in order, %d duplicate deliveries", len(log.byKey), log.dups)
}

// waitUntil polls cond every 5ms up to limit.
func waitUntil(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
