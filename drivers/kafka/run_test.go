package kafka_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// testRun drives one producer and a consumer group through the drivers
// API and records op logs as the runner does, so that the checkers can
// judge the run. Safe for concurrent use.
type testRun struct {
	t      *testing.T
	d      *kafka.Driver
	topic  string
	origin time.Time

	mu       sync.Mutex
	sends    []oplog.Send
	delivs   map[int][]oplog.Delivery
	acked    map[uint64]bool // acked (oneway: sent): what the drain waits for
	got      map[uint64]bool
	sendErrs []error
	cons     []drivers.Consumer
}

const (
	testKeys    = 8
	messageSize = 124
)

// newTestRun creates topic and starts consumers in one group, waiting
// until each has its assignment.
func newTestRun(t *testing.T, d *kafka.Driver, topic string, partitions, consumers int) *testRun {
	t.Helper()
	r := &testRun{t: t, d: d, topic: topic, origin: time.Now(), delivs: map[int][]oplog.Delivery{},
		acked: map[uint64]bool{}, got: map[uint64]bool{}}
	ctx := context.Background()
	if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: partitions}}); err != nil {
		t.Fatal(err)
	}
	for i := range consumers {
		c, err := d.NewConsumer(ctx, drivers.ConsumerConfig{ID: i, Topic: topic, Group: "g-" + topic}, r.handler(i))
		if err != nil {
			t.Fatal(err)
		}
		r.cons = append(r.cons, c)
		t.Cleanup(func() { _ = c.Close() })
	}
	r.waitAssigned(consumers)
	return r
}

func (r *testRun) now() int64 { return int64(time.Since(r.origin)) }

// waitAssigned waits until the last rebalance gave every consumer of the
// group an assignment.
func (r *testRun) waitAssigned(consumers int) {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		gen, assigned := 0, map[int]int{}
		for _, e := range r.d.GroupEvents() {
			if e.Group != "g-"+r.topic {
				continue
			}
			switch e.Kind {
			case kafka.GroupJoined:
				gen = max(gen, e.Generation)
				assigned[e.Consumer] = -e.Generation
			case kafka.GroupAssigned:
				assigned[e.Consumer] = -assigned[e.Consumer]
			}
		}
		n := 0
		for _, g := range assigned {
			if g == gen {
				n++
			}
		}
		if gen > 0 && n == consumers {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.t.Fatalf("consumers of %s not all assigned after 30s: %+v", r.topic, r.d.GroupEvents())
}

// handler records deliveries of consumer id and acks them.
func (r *testRun) handler(id int) drivers.Handler {
	return func(d *drivers.Delivery) {
		rec := oplog.Delivery{Kind: oplog.KindDelivery, Partition: d.Partition, Offset: d.Offset, Time: r.now()}
		env, err := drivers.DecodeEnvelope(d.Payload)
		if err != nil {
			rec.Kind = oplog.KindUnexpected
		} else {
			rec.Producer, rec.Seq, rec.Keyed, rec.Key, rec.Intended = env.Producer, env.Seq, env.Keyed, env.Key, env.Intended
		}
		r.mu.Lock()
		r.delivs[id] = append(r.delivs[id], rec)
		r.got[rec.Seq] = true
		r.mu.Unlock()
		if err := d.Ack(); err != nil {
			rec.Kind = oplog.KindAckFailed
			r.mu.Lock()
			r.delivs[id] = append(r.delivs[id], rec)
			r.mu.Unlock()
		}
	}
}

// record stores the outcome of one send; Done and Next (from next) are
// taken under the lock so that both grow in log order, as the checker
// requires.
func (r *testRun) record(s oplog.Send, ack drivers.Ack, err error, mode drivers.Mode, next *atomic.Uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.Done, s.Next = r.now(), next.Load()
	s.Partition, s.Offset = ack.Partition, ack.Offset
	switch {
	case err != nil && drivers.IsFail(err):
		s.Outcome = oplog.Failed
	case err != nil || mode == drivers.ModeOneway:
		s.Outcome = oplog.Unknown
	default:
		s.Outcome = oplog.OK
	}
	r.sends = append(r.sends, s)
	if s.Outcome == oplog.OK || mode == drivers.ModeOneway {
		r.acked[s.Seq] = true
	}
	if err != nil {
		r.sendErrs = append(r.sendErrs, fmt.Errorf("seq %d at %v: %w", s.Seq, time.Duration(s.Done), err))
	}
}
