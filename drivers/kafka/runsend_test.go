package kafka_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/logcheck"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// produce sends n keyed messages (seq % testKeys) in mode from producer
// 0, one every pace (0: as fast as possible), calling at(seq) before each
// send (for faults). Async keeps at most 256 in flight.
func (r *testRun) produce(mode drivers.Mode, n int, pace time.Duration, at func(seq int)) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	p, err := r.d.NewProducer(ctx, drivers.ProducerConfig{ID: 0, Topic: r.topic, Mode: mode, Window: 256})
	if err != nil {
		r.t.Fatal(err)
	}
	var next atomic.Uint64
	start := time.Now()
	for seq := range n {
		if at != nil {
			at(seq)
		}
		if pace > 0 {
			if d := time.Until(start.Add(time.Duration(seq) * pace)); d > 0 {
				time.Sleep(d)
			}
		}
		buf := make([]byte, messageSize)
		key := uint32(seq % testKeys)
		env := drivers.Envelope{Producer: 0, Seq: uint64(seq), Keyed: true, Key: key, Intended: r.now()}
		env.Encode(buf)
		m := &drivers.Message{Topic: r.topic, Key: []byte(fmt.Sprintf("key-%d", key)), Payload: buf}
		s := oplog.Send{Seq: uint64(seq), Key: key, Flags: oplog.FlagKeyed, Intended: env.Intended, Sent: r.now()}
		next.Store(uint64(seq) + 1)
		switch mode {
		case drivers.ModeSync:
			ack, err := p.Send(ctx, m)
			r.record(s, ack, err, mode, &next)
		case drivers.ModeAsync:
			p.SendAsync(ctx, m, func(ack drivers.Ack, err error) { r.record(s, ack, err, mode, &next) })
		case drivers.ModeOneway:
			err := p.SendOneway(ctx, m)
			r.record(s, drivers.NoAck, err, mode, &next)
		}
	}
	if err := p.Close(); err != nil {
		r.t.Errorf("producer Close: %v", err)
	}
}

// drain waits until every acked message (oneway: every message) was
// delivered (bounded by limit: the drain then ends "quiet"), waits 300ms
// more for stray deliveries, and closes the consumers.
func (r *testRun) drain(limit time.Duration) checker.DrainEnd {
	end := checker.DrainComplete
	deadline := time.Now().Add(limit)
	for {
		r.mu.Lock()
		missing := 0
		for seq := range r.acked {
			if !r.got[seq] {
				missing++
			}
		}
		r.mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			r.t.Logf("drain: %d messages undelivered after %v", missing, limit)
			end = checker.DrainQuiet
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	for _, c := range r.cons {
		if err := c.Close(); err != nil {
			r.t.Errorf("consumer Close: %v", err)
		}
	}
	return end
}

// check writes the op logs into a run directory and runs the checker and
// the log checker (rebalance windows from the driver's events).
func (r *testRun) check(end checker.DrainEnd) (*checker.Result, *logcheck.Result) {
	dir := r.t.TempDir()
	r.mu.Lock()
	h := &checkertest.History{Producers: []checkertest.ProducerLog{{ID: 0, Sends: r.sends}}, DrainEnd: string(end)}
	for id, ds := range r.delivs {
		h.Consumers = append(h.Consumers, checkertest.ConsumerLog{ID: uint32(id), Deliveries: ds})
	}
	r.mu.Unlock()
	if err := h.WriteDir(dir); err != nil {
		r.t.Fatal(err)
	}
	res, err := checker.CheckDir(dir, checker.Options{DrainEnd: end, Consumers: len(r.cons)})
	if err != nil {
		r.t.Fatal(err)
	}
	lres, err := logcheck.Check(dir, logcheck.RebalanceWindows(r.d.Events(), r.origin))
	if err != nil {
		r.t.Fatal(err)
	}
	if os.Getenv("BB_KAFKA_TEST_KEEP") != "" {
		r.t.Logf("op logs kept in %s", dir)
	}
	return res, lres
}

// expect fails the test unless check name of res counted want.
func expect(r *testRun, what string, c *checker.Check, want int64) {
	r.t.Helper()
	if c == nil {
		r.t.Errorf("%s: missing", what)
		return
	}
	if c.Count != want {
		r.t.Errorf("%s: count %d, want %d (verdict %s, detail %v, examples %+v)", what, c.Count, want, c.Verdict, c.Detail, c.Examples)
	}
}
