package rocketmq

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// TestGoroutinesAfterClose measures (and logs) the goroutines that
// rocketmq-client-go v2.1.2 leaves running after a producer and a consumer
// were closed, against the rmqtest TEST DOUBLE; it fails only when they
// grow with every open/close cycle beyond a generous bound.
func TestGoroutinesAfterClose(t *testing.T) {
	skipConsumersUnderRace(t)
	_, o := startTestDouble(t, 1)
	o.Consumer.Settle = 0
	d := openDriver(t, o)
	defer d.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.Setup(ctx, []drivers.Destination{{Name: "gr", Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	cycle := func() {
		c, err := d.NewConsumer(ctx, drivers.ConsumerConfig{Topic: "gr", Group: "g-gr"}, func(*drivers.Delivery) {})
		if err != nil {
			t.Fatal(err)
		}
		p, err := d.NewProducer(ctx, drivers.ProducerConfig{Topic: "gr", Mode: drivers.ModeSync})
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, drivers.EnvelopeSize)
		(&drivers.Envelope{}).Encode(buf)
		if _, err := p.Send(ctx, &drivers.Message{Topic: "gr", Payload: buf}); err != nil {
			t.Fatal(err)
		}
		_ = p.Close()
		_ = c.Close()
	}
	cycle()
	time.Sleep(200 * time.Millisecond)
	one := runtime.NumGoroutine() - base
	cycle()
	time.Sleep(200 * time.Millisecond)
	two := runtime.NumGoroutine() - base
	t.Logf("goroutines left by client v2.1.2: %d after one producer+consumer cycle, %d after two", one, two)
	if two > 2*one+20 {
		t.Errorf("goroutines grow faster than linearly: %d, %d", one, two)
	}
}
