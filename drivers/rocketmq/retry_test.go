package rocketmq

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// startShortRetries starts a test double whose retry delay is short.
func startShortRetries(t *testing.T) (*rmqtest.Cluster, *Options) {
	t.Helper()
	c, err := rmqtest.Start(rmqtest.Config{RetryDelay: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("rmqtest.Start: %v", err)
	}
	t.Cleanup(c.Close)
	o := DefaultOptions()
	o.NameServers, o.BrokerAddrs, o.StandIn = []string{c.NameServer()}, c.BrokerAddrs(), rmqtest.StandIn
	return c, o
}

// TestRetryPicker: the fraction picked is about right, depends on the
// seed, ignores the run nonce, and only first deliveries are picked
// unless exhaust is set.
func TestRetryPicker(t *testing.T) {
	p := newRetryPicker(7, RetryOptions{RetryFraction: 0.25})
	other := newRetryPicker(8, RetryOptions{RetryFraction: 0.25})
	buf := make([]byte, 64)
	const n = 4000
	picked, differ := 0, 0
	for seq := range uint64(n) {
		(&drivers.Envelope{Run: 1, Seq: seq}).Encode(buf)
		a := p.pick(buf, 0)
		(&drivers.Envelope{Run: 2, Seq: seq}).Encode(buf)
		if p.pick(buf, 0) != a {
			t.Fatalf("seq %d: pick depends on the run nonce", seq)
		}
		if a {
			picked++
			if p.pick(buf, 1) {
				t.Fatalf("seq %d: a redelivery was picked without exhaust", seq)
			}
		}
		if other.pick(buf, 0) != a {
			differ++
		}
	}
	if picked < n/5 || picked > n*3/10 {
		t.Errorf("picked %d of %d at fraction 0.25", picked, n)
	}
	if differ < n/10 {
		t.Errorf("seeds 7 and 8 differ on only %d of %d messages", differ, n)
	}
	ex := newRetryPicker(7, RetryOptions{RetryFraction: 1, RetryExhaust: true})
	if !ex.pick(buf, 5) || newRetryPicker(7, RetryOptions{}).pick(buf, 0) {
		t.Error("fraction 1 with exhaust must pick every delivery, fraction 0 none")
	}
}

// TestConsumeRetryFractionAgainstTestDouble: a third of the first
// deliveries are answered ConsumeRetryLater after the Handler saw them;
// those come back once more, flagged redelivered (from the retry topic),
// nothing is lost and the rest is delivered once.
func TestConsumeRetryFractionAgainstTestDouble(t *testing.T) {
	skipConsumersUnderRace(t)
	_, o := startShortRetries(t)
	o.Consumer.RetryFraction = 0.3
	d, err := New(o, drivers.Env{Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	const topic, n = "retry-fraction", 200
	setupTopic(t, d, topic, 2)
	l := consume(t, d, topic, "g-retry", 0)
	sendSync(t, d, topic, n)

	picker := newRetryPicker(42, o.Consumer.RetryOptions)
	want := map[uint64]bool{}
	buf := make([]byte, 64)
	for seq := range uint64(n) {
		(&drivers.Envelope{Seq: seq}).Encode(buf)
		want[seq] = picker.pick(buf, 0)
	}
	waitUntil(t, 30*time.Second, func() bool {
		got := l.snapshot()
		for seq := range uint64(n) {
			if k := len(got[seq]); k == 0 || want[seq] && k < 2 {
				return false
			}
		}
		return true
	})
	time.Sleep(300 * time.Millisecond) // let any unwanted extra delivery show
	checkSeqs(t, l, n)
	retried := 0
	for seq, flags := range l.snapshot() {
		if flags[0] {
			t.Errorf("seq %d: first delivery flagged redelivered", seq)
		}
		if want[seq] {
			retried++
		}
		if wantN := map[bool]int{true: 2, false: 1}[want[seq]]; len(flags) != wantN || wantN == 2 && !flags[1] {
			t.Errorf("seq %d (picked %v): deliveries %v", seq, want[seq], flags)
		}
	}
	if ctr := d.Counters(); ctr[CounterConsumeRetryLater] != int64(retried) || retried < n/5 {
		t.Errorf("%d picked of %d, counters %v", retried, n, ctr)
	}
}

// TestDeadLetterAgainstTestDouble: with every delivery of every message
// failed (retry_fraction 1, retry_exhaust) and max_reconsume_times 2,
// each message is delivered 3 times, then moved by the broker to
// %DLQ%<group>, read from there (flagged redelivered) and counted.
func TestDeadLetterAgainstTestDouble(t *testing.T) {
	skipConsumersUnderRace(t)
	c, o := startShortRetries(t)
	o.Consumer.RetryFraction, o.Consumer.RetryExhaust, o.Consumer.MaxReconsumeTimes = 1, true, 2
	d := openDriver(t, o)
	defer d.Close()
	const topic, group, n = "dead-letters", "g-dlq", 40
	setupTopic(t, d, topic, 2)
	l := consume(t, d, topic, group, 0)
	sendSync(t, d, topic, n)
	waitUntil(t, 30*time.Second, func() bool { return d.(*Driver).Counters()[CounterDLQMessages] >= n })
	time.Sleep(300 * time.Millisecond)
	checkSeqs(t, l, n)
	for seq, flags := range l.snapshot() {
		if len(flags) != 4 || flags[0] || !flags[1] || !flags[2] || !flags[3] {
			t.Errorf("seq %d: deliveries (redelivered flags) %v, want [false true true true]", seq, flags)
		}
	}
	ctr := d.(*Driver).Counters()
	if ctr[CounterDLQMessages] != n || ctr[CounterConsumeRetryLater] != 3*n {
		t.Errorf("counters %v: want %d dlq_messages and %d consume_retry_later", ctr, n, 3*n)
	}
	if got := c.Broker(0).DeadLetters(group); got != n {
		t.Errorf("broker holds %d dead letters, want %d", got, n)
	}
}

// TestReadDLQNeedsTopic: without broker_addrs the driver cannot create
// the dead-letter topic, and NewConsumer says what to do.
func TestReadDLQNeedsTopic(t *testing.T) {
	skipConsumersUnderRace(t)
	c, o := startShortRetries(t)
	c.CreateTopic("no-dlq", 1)
	o.BrokerAddrs, o.Consumer.Settle = nil, 0
	d := openDriver(t, o)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := d.NewConsumer(ctx, drivers.ConsumerConfig{Topic: "no-dlq", Group: "g-no-dlq"}, func(*drivers.Delivery) {})
	if err == nil || !contains(err.Error(), "%DLQ%g-no-dlq", "read_dlq: false", "broker_addrs") {
		t.Fatalf("NewConsumer without a DLQ topic: %v", err)
	}
	o.Consumer.ReadDLQ = false
	d2 := openDriver(t, o)
	defer d2.Close()
	cons, err := d2.NewConsumer(ctx, drivers.ConsumerConfig{Topic: "no-dlq", Group: "g-no-dlq"}, func(*drivers.Delivery) {})
	if err != nil {
		t.Fatalf("read_dlq: false: %v", err)
	}
	_ = cons.Close()
}

// TestBroadcastingAgainstTestDouble: two consumers of one group in the
// broadcasting model each get every message once; their local offset
// files are gone after Close.
func TestBroadcastingAgainstTestDouble(t *testing.T) {
	skipConsumersUnderRace(t)
	_, o := startTestDouble(t, 2)
	o.Consumer.Model = "broadcasting"
	d := openDriver(t, o)
	defer d.Close()
	if b, ok := d.(drivers.Broadcaster); !ok || !b.Broadcasting() {
		t.Fatalf("driver in the broadcasting model does not say Broadcasting (implements: %v)", ok)
	}
	const topic, n = "broadcast", 150
	setupTopic(t, d, topic, 2)
	noOffsetFilesLeft(t, "g-bc")
	a := consume(t, d, topic, "g-bc", 0)
	b := consume(t, d, topic, "g-bc", 1)
	sendSync(t, d, topic, n)
	waitUntil(t, 30*time.Second, func() bool { return a.distinct() >= n && b.distinct() >= n })
	time.Sleep(200 * time.Millisecond)
	for i, l := range []*deliveryLog{a, b} {
		checkSeqs(t, l, n)
		for seq, flags := range l.snapshot() {
			if len(flags) != 1 {
				t.Errorf("consumer %d: seq %d delivered %d times", i, seq, len(flags))
			}
		}
	}
}

// TestBroadcastingFollowsModel: the driver tells the harness to check
// consumers as subscribers of their own exactly in the broadcasting model.
func TestBroadcastingFollowsModel(t *testing.T) {
	_, o := startTestDouble(t, 1)
	for _, model := range []string{"clustering", "broadcasting"} {
		o.Consumer.Model = model
		d := openDriver(t, o)
		b, ok := d.(drivers.Broadcaster)
		if !ok || b.Broadcasting() != (model == "broadcasting") {
			t.Errorf("model %s: Broadcaster %v, Broadcasting() %v", model, ok, ok && b.Broadcasting())
		}
		if err := d.Close(); err != nil {
			t.Errorf("model %s: Close: %v", model, err)
		}
	}
}

// TestRemoveOffsets removes exactly the offset directory of the
// consumer's own client instance, and a group directory left empty.
func TestRemoveOffsets(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(offsetStoreEnv, dir)
	for _, name := range []string{"g/10.0.0.1@inst-1", "g/10.0.0.1@inst-11", "g/10.0.0.1@other", "h/10.0.0.1@inst-1"} {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "offset.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	(&Consumer{offsets: "inst-1"}).removeOffsets()
	(&Consumer{}).removeOffsets() // clustering: nothing
	left, _ := filepath.Glob(filepath.Join(dir, "*", "*"))
	if len(left) != 2 || filepath.Base(left[0]) != "10.0.0.1@inst-11" || filepath.Base(left[1]) != "10.0.0.1@other" {
		t.Errorf("left %v", left)
	}
	if _, err := os.Stat(filepath.Join(dir, "h")); !os.IsNotExist(err) {
		t.Errorf("empty group directory h left: %v", err)
	}
}

// noOffsetFilesLeft registers a check, run after every later cleanup
// (consumers close in those), that no broadcasting offset directory of
// this process's consumers is left under the client's directory.
func noOffsetFilesLeft(t *testing.T, group string) {
	t.Helper()
	t.Cleanup(func() {
		pattern := filepath.Join(localOffsetDir(), group, fmt.Sprintf("*@brokerbench-c-%d-*", os.Getpid()))
		if left, _ := filepath.Glob(pattern); len(left) > 0 {
			t.Errorf("broadcasting offset files left after Close: %v", left)
		}
	})
}

// contains reports whether s contains every part.
func contains(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// TestOrderlyDeadLetterAgainstTestDouble: an orderly consumer retries
// locally (SuspendCurrentQueueAMoment, about 1s each), flags the local
// redelivery, and after max_reconsume_times sends the message to the DLQ,
// from which it is read.
func TestOrderlyDeadLetterAgainstTestDouble(t *testing.T) {
	skipConsumersUnderRace(t)
	c, o := startShortRetries(t)
	o.Consumer.Order = "orderly"
	o.Consumer.RetryFraction, o.Consumer.RetryExhaust, o.Consumer.MaxReconsumeTimes = 1, true, 1
	d := openDriver(t, o)
	defer d.Close()
	const topic, group, n = "orderly-dead-letters", "g-odlq", 4
	setupTopic(t, d, topic, 2)
	l := consume(t, d, topic, group, 0)
	sendSync(t, d, topic, n)
	waitUntil(t, 30*time.Second, func() bool { return d.(*Driver).Counters()[CounterDLQMessages] >= n })
	checkSeqs(t, l, n)
	for seq, flags := range l.snapshot() {
		if len(flags) < 3 || flags[0] || !flags[1] || !flags[len(flags)-1] {
			t.Errorf("seq %d: deliveries (redelivered flags) %v, want a first, a local retry, the dead letter", seq, flags)
		}
	}
	if got := c.Broker(0).DeadLetters(group); got != n {
		t.Errorf("broker holds %d dead letters, want %d", got, n)
	}
}
