package rocketmq

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

func TestBatchOptionsValidate(t *testing.T) {
	o := DefaultOptions()
	o.Batch = BatchOptions{Size: 1, Linger: 0}
	o.Consumer.RetryFraction, o.Consumer.MaxReconsumeTimes = 1.5, 0
	o.Consumer.Model = "broadcasting"
	var got []string
	for _, e := range o.Validate() {
		got = append(got, e.Field)
	}
	want := "batch.size batch.linger consumer.retry_fraction consumer.retry_fraction consumer.max_reconsume_times"
	if strings.Join(got, " ") != want {
		t.Errorf("fields = %q, want %q", strings.Join(got, " "), want)
	}
	o = DefaultOptions()
	o.Batch.Size, o.Batch.Linger = maxBatchSize+1, time.Minute
	o.Consumer.RetryExhaust = true
	if n := len(o.Validate()); n != 3 {
		t.Errorf("%d errors for size %d, linger 1m, retry_exhaust without fraction; want 3: %v", n, o.Batch.Size, o.Validate())
	}
}

// TestBatchSyncRefused: a sync producer of kind batch is refused with
// errors.ErrUnsupported before anything connects.
func TestBatchSyncRefused(t *testing.T) {
	d, err := New(DefaultOptions(), drivers.Env{Endpoints: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: "t", Mode: drivers.ModeSync, Kind: drivers.KindBatch})
	if !errors.Is(err, errors.ErrUnsupported) || !strings.Contains(err.Error(), "async or oneway") {
		t.Errorf("sync batch producer: %v, want ErrUnsupported naming the usable modes", err)
	}
}

// outcomes records each async send's done calls by sequence number.
type outcomes struct {
	mu    sync.Mutex
	calls map[uint64]int
	acks  map[uint64]drivers.Ack
	errs  []error
	wg    sync.WaitGroup
}

func newOutcomes() *outcomes {
	return &outcomes{calls: map[uint64]int{}, acks: map[uint64]drivers.Ack{}}
}

func (o *outcomes) done(seq uint64) func(drivers.Ack, error) {
	o.wg.Add(1)
	return func(a drivers.Ack, err error) {
		o.mu.Lock()
		o.calls[seq]++
		if o.calls[seq] == 1 {
			defer o.wg.Done()
		}
		if err != nil {
			o.errs = append(o.errs, err)
		} else {
			o.acks[seq] = a
		}
		o.mu.Unlock()
	}
}

// check: every one of n sends called done exactly once, without error,
// and no two acks name one queue offset.
func (o *outcomes) check(t *testing.T, n int) {
	t.Helper()
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.errs) > 0 {
		t.Errorf("%d sends failed, first: %v", len(o.errs), o.errs[0])
	}
	at := map[drivers.Ack]uint64{}
	for seq := range uint64(n) {
		if c := o.calls[seq]; c != 1 {
			t.Errorf("seq %d: done called %d times", seq, c)
		}
		a, ok := o.acks[seq]
		if !ok {
			continue
		}
		if prev, dup := at[a]; dup {
			t.Errorf("seqs %d and %d both acked at %+v", prev, seq, a)
		}
		at[a] = seq
	}
}

// sendBatchKind sends n keyed messages (keys 1..keys) through a new
// producer of kind batch in mode and closes it.
func sendBatchKind(t *testing.T, d drivers.Driver, topic string, mode drivers.Mode, n, keys int) *outcomes {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := d.NewProducer(ctx, drivers.ProducerConfig{Topic: topic, Mode: mode, Window: 64, Kind: drivers.KindBatch})
	if err != nil {
		t.Fatal(err)
	}
	out := newOutcomes()
	buf := make([]byte, 64)
	for seq := range uint64(n) {
		key := uint32(seq%uint64(keys)) + 1
		(&drivers.Envelope{Seq: seq, Keyed: true, Key: key}).Encode(buf)
		m := &drivers.Message{Topic: topic, Key: fmt.Appendf(nil, "k%d", key), Payload: buf}
		if mode == drivers.ModeOneway {
			if err := p.SendOneway(ctx, m); err != nil {
				t.Fatalf("oneway %d: %v", seq, err)
			}
			continue
		}
		p.SendAsync(ctx, m, out.done(seq))
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	out.wg.Wait() // Close returned: every done was called
	return out
}

// checkBatchCounters: n messages went out in fewer than n batch calls,
// and the broker got batch requests.
func checkBatchCounters(t *testing.T, d drivers.Driver, c *rmqtest.Cluster, brokers, n int) {
	t.Helper()
	ctr := d.(*Driver).Counters()
	if ctr[CounterBatchMessages] != int64(n) || ctr[CounterBatchesSent] <= 0 || ctr[CounterBatchesSent] >= int64(n) {
		t.Errorf("counters %v: want %d batch messages in 1..%d batches", ctr, n, n-1)
	}
	var stored, batches int64
	for i := range brokers {
		stored += c.Broker(i).Sends()
		batches += c.Broker(i).BatchSends()
	}
	if stored != int64(n) || batches == 0 {
		t.Errorf("brokers stored %d messages in %d batch requests, want %d in some", stored, batches, n)
	}
	t.Logf("%d messages in %d batch calls (%d batch requests on the brokers)", n, ctr[CounterBatchesSent], batches)
}

// TestBatchAsyncAgainstTestDouble: async batch sends over two brokers of
// the rmqtest TEST DOUBLE: every done exactly once, distinct acks, fewer
// calls than messages, every message delivered.
func TestBatchAsyncAgainstTestDouble(t *testing.T) {
	c, o := startTestDouble(t, 2)
	d := openDriver(t, o)
	defer d.Close()
	const topic, n = "batch-async", 600
	setupTopic(t, d, topic, 4)
	out := sendBatchKind(t, d, topic, drivers.ModeAsync, n, 16)
	out.check(t, n)
	checkBatchCounters(t, d, c, 2, n)
	skipConsumersUnderRace(t)
	waitAllDelivered(t, d, topic, "g-batch-async", n)
}

// TestBatchOnewayAgainstTestDouble: oneway batch sends; Close flushes the
// last batch; every message stored and delivered.
func TestBatchOnewayAgainstTestDouble(t *testing.T) {
	c, o := startTestDouble(t, 1)
	o.Batch.Linger = time.Second // only full batches and Close send
	d := openDriver(t, o)
	defer d.Close()
	const topic, n = "batch-oneway", 250 // not a multiple of the size
	setupTopic(t, d, topic, 2)
	sendBatchKind(t, d, topic, drivers.ModeOneway, n, 8)
	checkBatchCounters(t, d, c, 1, n)
	if got := d.(*Driver).Counters()[CounterBatchesSent]; got != (n+15)/16 {
		t.Errorf("%d batches, want %d (full batches of 16 and the rest at Close)", got, (n+15)/16)
	}
	skipConsumersUnderRace(t)
	waitAllDelivered(t, d, topic, "g-batch-oneway", n)
}

// TestOrderedBatchKeepsKeyQueue: with ordered: true a keyed batch goes to
// its key's queue (client v2.1.2 alone would pick a random one): every
// ack of a key names one partition, and the keys spread over several.
func TestOrderedBatchKeepsKeyQueue(t *testing.T) {
	_, o := startTestDouble(t, 2)
	o.Ordered = true
	d := openDriver(t, o)
	defer d.Close()
	const topic, n, keys = "batch-ordered", 800, 16
	setupTopic(t, d, topic, 4)
	out := sendBatchKind(t, d, topic, drivers.ModeAsync, n, keys)
	out.check(t, n)
	part := map[uint64]int32{}
	used := map[int32]bool{}
	for seq, a := range out.acks {
		key := seq % keys
		if p, ok := part[key]; ok && p != a.Partition {
			t.Fatalf("key %d in partitions %d and %d", key, p, a.Partition)
		}
		part[key] = a.Partition
		used[a.Partition] = true
	}
	if len(used) < 3 {
		t.Errorf("%d keys used only partitions %v", keys, used)
	}
	if ctr := d.(*Driver).Counters(); ctr[CounterBatchesSent] >= n/2 {
		t.Errorf("%d batches for %d messages: hardly batched", ctr[CounterBatchesSent], n)
	}
}

// setupTopic creates topic with queues per broker.
func setupTopic(t *testing.T, d drivers.Driver, topic string, queues int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: queues}}); err != nil {
		t.Fatal(err)
	}
}
