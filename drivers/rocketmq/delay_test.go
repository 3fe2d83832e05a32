package rocketmq

import (
	"context"
	"testing"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// shortLevels is the delay table the delay tests give both the rmqtest
// broker and the driver.
var shortLevels = []time.Duration{200 * time.Millisecond, 600 * time.Millisecond, time.Second}

func sum(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

// TestDelayedSendsParkAgainstTestDouble (producer side, also under -race):
// a delayed producer's messages wait in the rmqtest TEST DOUBLE's schedule
// queue of the configured level and reach the topic only after that
// level's delay; acks carry the partition and offset -1.
func TestDelayedSendsParkAgainstTestDouble(t *testing.T) {
	c, o := startTestDoubleWith(t, rmqtest.Config{DelayLevels: shortLevels})
	o.DelayLevels, o.DelayLevel = shortLevels, 2
	d := openDriverSeed(t, o, 1)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Setup(ctx, []drivers.Destination{{Name: "park", Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	p, err := d.NewProducer(ctx, drivers.ProducerConfig{Topic: "park", Mode: drivers.ModeSync, Kind: drivers.KindDelayed})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start := time.Now()
	for i := range 5 {
		a, err := p.Send(ctx, &drivers.Message{Topic: "park", Payload: envelope(0, uint64(i), 64)})
		if err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		if a.Offset != -1 || a.Partition < 0 || a.Partition > 1 {
			t.Errorf("ack %+v, want partition 0 or 1 and offset -1", a)
		}
	}
	b := c.Broker(0)
	if got := b.Stored("SCHEDULE_TOPIC_XXXX"); len(got) != 3 || got[1] != 5 {
		t.Fatalf("schedule queues %v, want the 5 messages in queue 1 (level 2)", got)
	}
	if time.Since(start) < shortLevels[1] {
		if n := sum(b.Stored("park")); n != 0 {
			t.Errorf("%d messages visible before their delay", n)
		}
	}
	for sum(b.Stored("park")) < 5 && time.Since(start) < 10*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	if n, waited := sum(b.Stored("park")), time.Since(start); n != 5 || waited < shortLevels[1] {
		t.Errorf("%d messages in the topic after %v, want 5 after >= %v", n, waited, shortLevels[1])
	}
}

// TestDeliveryDelayFromProperties: Delivery.Delay comes from the DELAY
// property or, once the broker removed it, the driver's own property,
// through the driver's table (levels past it use its last entry).
func TestDeliveryDelayFromProperties(t *testing.T) {
	o := DefaultOptions()
	o.DelayLevels = shortLevels
	d := &Driver{opts: o}
	for _, tc := range []struct {
		props map[string]string
		want  time.Duration
	}{
		{nil, 0},
		{map[string]string{"DELAY": "2"}, 600 * time.Millisecond},
		{map[string]string{delayLevelProperty: "1"}, 200 * time.Millisecond},
		{map[string]string{delayLevelProperty: "9"}, time.Second},
		{map[string]string{delayLevelProperty: "x"}, 0},
		{map[string]string{delayLevelProperty: "0"}, 0},
	} {
		m := &primitive.MessageExt{Message: primitive.Message{}}
		for k, v := range tc.props {
			m.WithProperty(k, v)
		}
		if got := d.deliveryDelay(m); got != tc.want {
			t.Errorf("properties %v: delay %v, want %v", tc.props, got, tc.want)
		}
	}
}

// TestDelayedAgainstTestDouble: delayed producers in every send mode and a
// plain one share a topic of the rmqtest TEST DOUBLE. Every message is
// delivered; no delayed one earlier than its delay after its send began;
// Delivery.Delay is the level's delay for delayed ones and 0 for plain
// ones.
func TestDelayedAgainstTestDouble(t *testing.T) {
	skipConsumersUnderRace(t)
	_, o := startTestDoubleWith(t, rmqtest.Config{DelayLevels: shortLevels})
	o.DelayLevels, o.DelayLevel = shortLevels, 2
	d := openDriverSeed(t, o, 1)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const topic, n = "delayed", 20
	if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	got := newArrivals()
	cons, err := d.NewConsumer(ctx, drivers.ConsumerConfig{Topic: topic, Group: "g-delayed"}, got.handler)
	if err != nil {
		t.Fatal(err)
	}
	defer cons.Close()
	type run struct {
		mode drivers.Mode
		kind drivers.Kind
	}
	runs := []run{{drivers.ModeSync, drivers.KindDelayed}, {drivers.ModeAsync, drivers.KindDelayed},
		{drivers.ModeOneway, drivers.KindDelayed}, {drivers.ModeSync, drivers.KindPlain}}
	sent := make([][]time.Time, len(runs))
	for id, r := range runs {
		sent[id] = sendAll(ctx, t, d, drivers.ProducerConfig{ID: id, Topic: topic, Mode: r.mode, Window: 8, Kind: r.kind}, n)
	}
	if k := got.waitFor(len(runs)*n, 30*time.Second); k != len(runs)*n {
		t.Fatalf("%d of %d messages delivered", k, len(runs)*n)
	}
	for id, r := range runs {
		want := time.Duration(0)
		if r.kind == drivers.KindDelayed {
			want = shortLevels[1]
		}
		for seq := range n {
			a, _ := got.get(uint32(id), uint64(seq))
			if a.delay != want {
				t.Errorf("%v %v seq %d: Delivery.Delay %v, want %v", r.kind, r.mode, seq, a.delay, want)
			}
			if early := a.first.Sub(sent[id][seq]); early < want {
				t.Errorf("%v %v seq %d: delivered %v after its send, before its delay %v", r.kind, r.mode, seq, early, want)
			}
		}
	}
}

// sendAll opens a producer with cfg, sends n envelopes of producer cfg.ID
// in cfg.Mode, closes it, and returns when each send began. Any send
// error fails the test.
func sendAll(ctx context.Context, t *testing.T, d drivers.Driver, cfg drivers.ProducerConfig, n int) []time.Time {
	t.Helper()
	p, err := d.NewProducer(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	starts := make([]time.Time, n)
	errs := make(chan error, n)
	for seq := range n {
		m := &drivers.Message{Topic: cfg.Topic, Payload: envelope(uint32(cfg.ID), uint64(seq), 64)}
		starts[seq] = time.Now()
		switch cfg.Mode {
		case drivers.ModeSync:
			_, err := p.Send(ctx, m)
			errs <- err
		case drivers.ModeAsync:
			p.SendAsync(ctx, m, func(_ drivers.Ack, err error) { errs <- err })
		case drivers.ModeOneway:
			errs <- p.SendOneway(ctx, m)
		}
	}
	if err := p.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("%v send: %v", cfg.Mode, err)
		}
	}
	return starts
}
