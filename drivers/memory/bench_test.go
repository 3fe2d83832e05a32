package memory_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

// Run with -cpu 1 for the one-core numbers. Without a consumer group the
// log keeps every message (~190 B each), so the send benchmarks start a
// fresh driver every rotateEvery messages (off the clock) to bound memory.

const rotateEvery = 1 << 20

func benchSend(b *testing.B, mode drivers.Mode, edit func(*memory.Options)) {
	ctx := context.Background()
	m := message(0)
	done := func(_ drivers.Ack, err error) {
		if err != nil {
			b.Error(err)
		}
	}
	var d *memory.Driver
	var p drivers.Producer
	rotate := func() {
		if p != nil {
			p.Close()
			d.Close()
		}
		o := memory.DefaultOptions()
		if edit != nil {
			edit(o)
		}
		var err error
		if d, err = memory.New(o, drivers.Env{}); err != nil {
			b.Fatal(err)
		}
		if err := d.Setup(ctx, []drivers.Destination{{Name: "t", Partitions: 1}}); err != nil {
			b.Fatal(err)
		}
		if p, err = d.NewProducer(ctx, drivers.ProducerConfig{Topic: "t", Mode: mode, Window: 64}); err != nil {
			b.Fatal(err)
		}
	}
	rotate()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i > 0 && i%rotateEvery == 0 {
			b.StopTimer()
			rotate()
			b.StartTimer()
		}
		switch mode {
		case drivers.ModeSync:
			if _, err := p.Send(ctx, m); err != nil {
				b.Fatal(err)
			}
		case drivers.ModeAsync:
			p.SendAsync(ctx, m, done)
		case drivers.ModeOneway:
			if err := p.SendOneway(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
	}
	p.Close()
	b.StopTimer()
	d.Close()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
}

func BenchmarkSendSync(b *testing.B)   { benchSend(b, drivers.ModeSync, nil) }
func BenchmarkSendAsync(b *testing.B)  { benchSend(b, drivers.ModeAsync, nil) }
func BenchmarkSendOneway(b *testing.B) { benchSend(b, drivers.ModeOneway, nil) }

// BenchmarkSendAsyncPipeline goes through the pipeline goroutine (a 1 µs
// ack latency forces it).
func BenchmarkSendAsyncPipeline(b *testing.B) {
	benchSend(b, drivers.ModeAsync, func(o *memory.Options) { o.AckLatency = time.Microsecond })
}

// BenchmarkEndToEnd: sync sends to 4 partitions, one consumer acking every
// delivery; the clock stops when all are delivered.
func BenchmarkEndToEnd(b *testing.B) {
	d := newDriver(b, 4, nil)
	var n atomic.Int64
	c, err := d.NewConsumer(context.Background(), drivers.ConsumerConfig{Topic: "t", Group: "g"}, func(dl *drivers.Delivery) {
		if err := dl.Ack(); err != nil {
			b.Error(err)
		}
		n.Add(1)
	})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	p := producer(b, d, 0, drivers.ModeSync)
	ctx := context.Background()
	m := message(0)
	b.ReportAllocs()
	sent, start := 0, time.Now()
	for b.Loop() {
		if _, err := p.Send(ctx, m); err != nil {
			b.Fatal(err)
		}
		sent++
	}
	for deadline := time.Now().Add(30 * time.Second); n.Load() < int64(sent); time.Sleep(100 * time.Microsecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d delivered", n.Load(), sent)
		}
	}
	b.ReportMetric(float64(sent)/time.Since(start).Seconds(), "msg/s")
}
