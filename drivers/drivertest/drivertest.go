// Package drivertest is the conformance suite every brokerbench driver
// passes. A driver's test calls Run with a function that opens a fresh
// driver and the Capabilities the driver has; the suite skips or relaxes the
// checks a capability turns off.
//
// Every subtest opens its own driver, uses destinations with unique names
// (so a real broker's leftovers do not matter), closes what it opened
// (consumers and producers before the driver) and bounds every wait by
// Capabilities.Timeout. Payloads are real harness envelopes
// (drivers.Envelope) of MessageSize bytes; the suite overwrites each send
// buffer as soon as the driver may no longer read it, so a driver that keeps
// the harness's bytes without copying them delivers corrupt messages.
package drivertest

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// MessageSize is the payload size of every message the suite sends, the
// size of the published single-machine comparison.
const MessageSize = 124

// Capabilities says what the driver under test can do.
type Capabilities struct {
	// Delivers: consumers receive every message producers send (false for
	// a driver that discards everything, like null).
	Delivers bool
	// Partitions: acks and deliveries carry partition numbers, and a
	// message's delivery has its ack's partition.
	Partitions bool
	// Redelivers: when a consumer closes with unacked deliveries, exactly
	// those go to the group's next consumer, flagged Redelivered. Without
	// it the suite only checks that nothing unacked is lost.
	Redelivers bool
	// FailsUnknownTopic: a send to a destination Setup never created is a
	// definite failure (drivers.IsFail).
	FailsUnknownTopic bool
	// Modes the driver supports; nil means all three.
	Modes []drivers.Mode
	// Messages per send subtest; 0 means 1000.
	Messages int
	// Timeout bounds every wait of the suite; 0 means 10 s.
	Timeout time.Duration
}

func (c Capabilities) modes() []drivers.Mode {
	if len(c.Modes) == 0 {
		return []drivers.Mode{drivers.ModeSync, drivers.ModeAsync, drivers.ModeOneway}
	}
	return c.Modes
}

func (c Capabilities) messages() int {
	if c.Messages <= 0 {
		return 1000
	}
	return c.Messages
}

func (c Capabilities) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 10 * time.Second
	}
	return c.Timeout
}

// Run runs the conformance suite. open must return a fresh, open driver for
// the (sub)test t, failing t if it cannot; the suite closes it.
func Run(t *testing.T, open func(t *testing.T) drivers.Driver, caps Capabilities) {
	t.Run("Info", func(t *testing.T) { testInfo(t, newFixture(t, open, caps)) })
	t.Run("SetupIdempotent", func(t *testing.T) { testSetupIdempotent(t, newFixture(t, open, caps)) })
	for _, m := range caps.modes() {
		t.Run("Send/"+m.String(), func(t *testing.T) { testSend(t, newFixture(t, open, caps), m) })
	}
	t.Run("CloseWaitsForCallbacks", func(t *testing.T) { testCloseWaits(t, newFixture(t, open, caps)) })
	t.Run("ConsumerHandoff", func(t *testing.T) { testHandoff(t, newFixture(t, open, caps)) })
	t.Run("UnknownTopic", func(t *testing.T) { testUnknownTopic(t, newFixture(t, open, caps)) })
	t.Run("ConcurrentProducers", func(t *testing.T) { testConcurrent(t, newFixture(t, open, caps)) })
}

// fixture is one subtest's driver and bounds.
type fixture struct {
	t    *testing.T
	d    drivers.Driver
	caps Capabilities
	ctx  context.Context
}

var topicSeq atomic.Int64

// newFixture opens a driver, closed (with a check) when t ends. Cleanups
// registered later run earlier, so the subtest's producers and consumers
// close before the driver.
func newFixture(t *testing.T, open func(t *testing.T) drivers.Driver, caps Capabilities) *fixture {
	t.Helper()
	d := open(t)
	if d == nil {
		t.Fatal("open returned a nil driver")
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("closing the driver: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*caps.timeout())
	t.Cleanup(cancel)
	return &fixture{t: t, d: d, caps: caps, ctx: ctx}
}

// topic creates a destination with a unique name and returns the name.
func (f *fixture) topic(partitions int) string {
	f.t.Helper()
	name := strings.NewReplacer("/", "-", " ", "-").Replace(f.t.Name())
	name = fmt.Sprintf("bbdt-%s-%d-%d", strings.ToLower(name), time.Now().UnixNano()%1e9, topicSeq.Add(1))
	if err := f.d.Setup(f.ctx, []drivers.Destination{{Name: name, Partitions: partitions}}); err != nil {
		f.t.Fatalf("Setup(%s): %v", name, err)
	}
	return name
}

// producer opens a producer, closed when the subtest ends (if still open).
func (f *fixture) producer(id int, topic string, mode drivers.Mode, window int) drivers.Producer {
	f.t.Helper()
	p, err := f.d.NewProducer(f.ctx, drivers.ProducerConfig{ID: id, Topic: topic, Mode: mode, Window: window})
	if err != nil {
		f.t.Fatalf("NewProducer: %v", err)
	}
	f.t.Cleanup(func() { _ = p.Close() })
	return p
}

// consumer opens a consumer, closed when the subtest ends (if still open;
// drivers must make Close idempotent).
func (f *fixture) consumer(id int, topic, group string, h drivers.Handler) drivers.Consumer {
	f.t.Helper()
	c, err := f.d.NewConsumer(f.ctx, drivers.ConsumerConfig{ID: id, Topic: topic, Group: group}, h)
	if err != nil {
		f.t.Fatalf("NewConsumer: %v", err)
	}
	f.t.Cleanup(func() { _ = c.Close() })
	return c
}

// waitFor polls cond (every 2 ms, bounded by the suite's timeout) and fails
// the test with what() when it never holds.
func (f *fixture) waitFor(cond func() bool, what func() string) {
	f.t.Helper()
	deadline := time.Now().Add(f.caps.timeout())
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out after %v: %s", f.caps.timeout(), what())
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitDelivered waits until col has every id, failing at once (instead of
// at the timeout) when a delivery could not be decoded or acked.
func (f *fixture) waitDelivered(col *collector, ids []msgID, who string) {
	f.t.Helper()
	f.waitFor(func() bool {
		if ps := col.problems(); len(ps) > 0 {
			f.t.Fatalf("%s: %d bad deliveries, first: %s", who, len(ps), ps[0])
		}
		return col.countOf(ids) == len(ids)
	}, func() string { return who + ": " + col.missing(ids) })
}
