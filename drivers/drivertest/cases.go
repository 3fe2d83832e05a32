package drivertest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// settle is how long the suite waits for unwanted extra deliveries after
// the wanted ones arrived.
const settle = 100 * time.Millisecond

func testInfo(t *testing.T, f *fixture) {
	info := f.d.Info()
	if info.Driver == "" || info.Broker == "" {
		t.Errorf("Info() = %+v: Driver and Broker must be set", info)
	}
}

func testSetupIdempotent(t *testing.T, f *fixture) {
	name := f.topic(2)
	dests := []drivers.Destination{{Name: name, Partitions: 2}}
	for i := range 2 {
		if err := f.d.Setup(f.ctx, dests); err != nil {
			t.Fatalf("Setup again (%d): %v", i+1, err)
		}
	}
	sendAndCheck(f, name, f.caps.modes()[0], 10)
}

func testSend(t *testing.T, f *fixture, mode drivers.Mode) {
	sendAndCheck(f, f.topic(4), mode, f.caps.messages())
}

// sendAndCheck sends n messages in mode through one producer to a topic
// read by one consumer, then checks outcomes and deliveries.
func sendAndCheck(f *fixture, topic string, mode drivers.Mode, n int) {
	t := f.t
	col := newCollector()
	if f.caps.Delivers {
		f.consumer(0, topic, "g-"+topic, col.handler(0, nil))
	}
	p := f.producer(0, topic, mode, 64)
	res := newSendResult()
	send(f.ctx, p, sendSpec{producer: 0, topic: topic, mode: mode, n: uint64(n), window: 64}, res)
	if err := p.Close(); err != nil {
		t.Errorf("producer Close: %v", err)
	}
	checkOutcomes(f, res, n)
	if !f.caps.Delivers {
		time.Sleep(settle)
		if total, _ := col.totals(); total != 0 {
			t.Errorf("%d deliveries from a driver that declares it delivers nothing", total)
		}
		return
	}
	f.waitDelivered(col, res.ids, "consumer")
	time.Sleep(settle)
	checkOnce(f, col, res.ids)
	if mode != drivers.ModeOneway {
		checkAckPartitions(f, col, res)
	}
	if mode == drivers.ModeSync {
		for _, e := range first(col.keyOrderErrors(), 10) {
			t.Errorf("per-key order: %s", e)
		}
	}
}

// checkOutcomes: every send reported exactly one outcome, none an error.
func checkOutcomes(f *fixture, res *sendResult, n int) {
	res.mu.Lock()
	defer res.mu.Unlock()
	if len(res.dones) != n {
		f.t.Errorf("%d of %d sends reported an outcome by the time Close returned", len(res.dones), n)
	}
	for _, e := range first(res.errs, 10) {
		f.t.Errorf("send: %s", e)
	}
}

// checkOnce: each id delivered exactly once, not flagged, all decodable.
func checkOnce(f *fixture, col *collector, ids []msgID) {
	for _, e := range first(col.problems(), 10) {
		f.t.Errorf("delivery: %s", e)
	}
	bad := 0
	for _, id := range ids {
		ds := col.deliveries(id)
		if len(ds) == 1 && !ds[0].redelivered {
			continue
		}
		if bad++; bad <= 10 {
			f.t.Errorf("message %d/%d: delivered %d times (%+v), want once", id.producer, id.seq, len(ds), ds)
		}
	}
}

// checkAckPartitions: a message's delivery is in its ack's partition.
func checkAckPartitions(f *fixture, col *collector, res *sendResult) {
	if !f.caps.Partitions {
		return
	}
	bad := 0
	for _, id := range res.ids {
		ack := res.acks[id]
		ds := col.deliveries(id)
		if len(ds) > 0 && ack.Partition >= 0 && ds[0].partition == ack.Partition {
			continue
		}
		if bad++; bad <= 10 {
			f.t.Errorf("message %d/%d: ack partition %d, deliveries %+v", id.producer, id.seq, ack.Partition, ds)
		}
	}
}

func testCloseWaits(t *testing.T, f *fixture) {
	if !slices.Contains(f.caps.modes(), drivers.ModeAsync) {
		t.Skip("driver has no async mode")
	}
	topic := f.topic(2)
	n := f.caps.messages()
	p := f.producer(0, topic, drivers.ModeAsync, n)
	res := newSendResult()
	send(f.ctx, p, sendSpec{producer: 0, topic: topic, mode: drivers.ModeAsync, n: uint64(n), window: n}, res)
	if err := p.Close(); err != nil {
		t.Errorf("producer Close: %v", err)
	}
	if got := res.doneCount(); got != n {
		t.Fatalf("Close returned with %d of %d done callbacks called", got, n)
	}
	time.Sleep(settle)
	checkOutcomes(f, res, n)
}

func testUnknownTopic(t *testing.T, f *fixture) {
	if !f.caps.FailsUnknownTopic {
		t.Skip("driver does not fail sends to unknown topics")
	}
	topic := fmt.Sprintf("bbdt-never-created-%d", time.Now().UnixNano())
	buf := make([]byte, MessageSize)
	(&drivers.Envelope{Seq: 1}).Encode(buf)
	m := &drivers.Message{Topic: topic, Payload: buf}
	for _, mode := range f.caps.modes() {
		if mode == drivers.ModeOneway {
			continue // a oneway outcome is never known
		}
		p, err := f.d.NewProducer(f.ctx, drivers.ProducerConfig{Topic: topic, Mode: mode, Window: 1})
		if err != nil {
			t.Logf("NewProducer for an unknown topic refused (allowed): %v", err)
			return
		}
		t.Cleanup(func() { _ = p.Close() })
		if err := sendOne(f, p, mode, m); !drivers.IsFail(err) {
			t.Errorf("%v send to an unknown topic: error %v, want a definite failure (drivers.IsFail)", mode, err)
		}
	}
}

// sendOne sends m in mode and returns its outcome, waiting (bounded) for
// an async callback.
func sendOne(f *fixture, p drivers.Producer, mode drivers.Mode, m *drivers.Message) error {
	switch mode {
	case drivers.ModeSync:
		_, err := p.Send(f.ctx, m)
		return err
	case drivers.ModeOneway:
		return p.SendOneway(f.ctx, m)
	}
	ch := make(chan error, 1)
	p.SendAsync(f.ctx, m, func(_ drivers.Ack, err error) { ch <- err })
	select {
	case err := <-ch:
		return err
	case <-time.After(f.caps.timeout()):
		f.t.Fatalf("async done not called within %v", f.caps.timeout())
		return nil
	}
}

func testConcurrent(t *testing.T, f *fixture) {
	const producers = 4
	topic := f.topic(4)
	col := newCollector()
	if f.caps.Delivers {
		for i := range 2 {
			f.consumer(i, topic, "g-"+topic, col.handler(i, nil))
		}
	}
	n := max(f.caps.messages()/2, 1)
	results := make([]*sendResult, producers)
	var wg sync.WaitGroup
	for i := range producers {
		mode := f.caps.modes()[i%len(f.caps.modes())]
		p := f.producer(i, topic, mode, 32)
		results[i] = newSendResult()
		wg.Go(func() {
			send(f.ctx, p, sendSpec{producer: i, topic: topic, mode: mode, n: uint64(n), window: 32}, results[i])
			if err := p.Close(); err != nil {
				t.Errorf("producer %d Close: %v", i, err)
			}
		})
	}
	wg.Wait()
	var ids []msgID
	for _, r := range results {
		checkOutcomes(f, r, n)
		ids = append(ids, r.ids...)
	}
	if !f.caps.Delivers {
		return
	}
	f.waitDelivered(col, ids, "consumers")
	time.Sleep(settle)
	checkOnce(f, col, ids)
}

func first(s []string, n int) []string { return s[:min(len(s), n)] }
