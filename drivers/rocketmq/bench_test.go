package rocketmq

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rocketmq/rmqtest"
)

// benchWindow is the async in-flight bound of both loops.
const benchWindow = 256

// benchPayload is a 124-byte harness message.
var benchPayload = func() []byte {
	p := make([]byte, 124)
	(&drivers.Envelope{}).Encode(p)
	return p
}()

// BenchmarkDriverVsBare compares the driver's send throughput with a
// bare rocketmq-client-go loop doing the same sends (same client options,
// 124-byte unkeyed messages, a 4-queue topic) against the same rmqtest
// broker in the same run. rmqtest is a TEST DOUBLE in this process, so
// the absolute rates mean nothing; only the ratio does. The two loops run
// in alternating chunks (about 20 pairs); the benchmark reports both
// rates over the whole run and ratio, the median of the per-pair
// throughput ratios driver/bare. Run:
//
//	go test ./drivers/rocketmq -run '^$' -bench DriverVsBare -benchtime 3s -count 3
func BenchmarkDriverVsBare(b *testing.B) {
	c, err := rmqtest.Start(rmqtest.Config{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for _, mode := range []drivers.Mode{drivers.ModeSync, drivers.ModeAsync} {
		b.Run(mode.String(), func(b *testing.B) {
			topic := fmt.Sprintf("bench-%s-%d", mode, time.Now().UnixNano())
			c.CreateTopic(topic, 4)
			drv := newBenchDriverLoop(b, c, topic, mode)
			defer drv.close()
			bare := newBenchBareLoop(b, c, topic, mode)
			defer bare.close()
			drv.send(b, 200) // warm up routes and connections
			bare.send(b, 200)
			b.ResetTimer()
			tDrv, tBare, ratio := alternate(b, drv, bare)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/tDrv.Seconds(), "driver-msg/s")
			b.ReportMetric(float64(b.N)/tBare.Seconds(), "bare-msg/s")
			b.ReportMetric(ratio, "ratio")
		})
	}
}

// benchSender sends k messages and returns how long they took to be acked.
type benchSender interface {
	send(b *testing.B, k int) time.Duration
}

// alternate sends b.N messages through each loop in pairs of chunks, the
// order alternating, and returns both total times and the median of the
// pairs' throughput ratios (driver/bare), which resists bursts of load
// from other processes better than the ratio of the totals.
func alternate(b *testing.B, drv, bare benchSender) (tDrv, tBare time.Duration, ratio float64) {
	chunk := max(b.N/20, 1)
	var ratios []float64
	for sent, i := 0, 0; sent < b.N; sent, i = sent+chunk, i+1 {
		k := min(chunk, b.N-sent)
		var d, r time.Duration
		if i%2 == 0 {
			d, r = drv.send(b, k), bare.send(b, k)
		} else {
			r, d = bare.send(b, k), drv.send(b, k)
		}
		tDrv, tBare = tDrv+d, tBare+r
		ratios = append(ratios, float64(r)/float64(d))
	}
	slices.Sort(ratios)
	return tDrv, tBare, ratios[len(ratios)/2]
}

// benchDriverLoop sends through the driver, reusing one Message and one
// done callback as the harness does.
type benchDriverLoop struct {
	d     drivers.Driver
	p     drivers.Producer
	topic string
	mode  drivers.Mode
}

func newBenchDriverLoop(b *testing.B, c *rmqtest.Cluster, topic string, mode drivers.Mode) *benchDriverLoop {
	o := DefaultOptions()
	o.NameServers, o.StandIn = []string{c.NameServer()}, rmqtest.StandIn
	d, err := New(o, drivers.Env{})
	if err != nil {
		b.Fatal(err)
	}
	p, err := d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: topic, Mode: mode, Window: benchWindow})
	if err != nil {
		b.Fatal(err)
	}
	return &benchDriverLoop{d: d, p: p, topic: topic, mode: mode}
}

func (l *benchDriverLoop) send(b *testing.B, k int) time.Duration {
	ctx := context.Background()
	var wg sync.WaitGroup
	done := func(_ drivers.Ack, err error) {
		if err != nil {
			b.Error(err)
		}
		wg.Done()
	}
	m := &drivers.Message{Topic: l.topic, Payload: benchPayload}
	start := time.Now()
	for range k {
		if l.mode == drivers.ModeSync {
			if _, err := l.p.Send(ctx, m); err != nil {
				b.Fatal(err)
			}
			continue
		}
		wg.Add(1)
		l.p.SendAsync(ctx, m, done)
	}
	wg.Wait()
	return time.Since(start)
}

func (l *benchDriverLoop) close() {
	_ = l.p.Close()
	_ = l.d.Close()
}

// benchBareLoop sends with rocketmq-client-go directly, configured as the
// driver configures its client (group, retries, send timeout; async: a
// semaphore of benchWindow slots freed by the callback).
type benchBareLoop struct {
	p     rocketmq.Producer
	topic string
	async bool
	sem   chan struct{}
}

func newBenchBareLoop(b *testing.B, c *rmqtest.Cluster, topic string, mode drivers.Mode) *benchBareLoop {
	p, err := rocketmq.NewProducer(
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NameServer()})),
		producer.WithGroupName("brokerbench"), producer.WithInstanceName(instance("bare")),
		producer.WithRetry(2), producer.WithSendMsgTimeout(3*time.Second))
	if err != nil {
		b.Fatal(err)
	}
	if err := p.Start(); err != nil {
		b.Fatal(err)
	}
	return &benchBareLoop{p: p, topic: topic, async: mode == drivers.ModeAsync, sem: make(chan struct{}, benchWindow)}
}

// send sends k messages; like any user of the client it makes a new
// message per send (the client adds properties to it) with its own copy
// of the payload.
func (l *benchBareLoop) send(b *testing.B, k int) time.Duration {
	ctx := context.Background()
	var wg sync.WaitGroup
	cb := func(_ context.Context, _ *primitive.SendResult, err error) {
		if err != nil {
			b.Error(err)
		}
		<-l.sem
		wg.Done()
	}
	start := time.Now()
	for range k {
		msg := primitive.NewMessage(l.topic, bytes.Clone(benchPayload))
		if !l.async {
			if _, err := l.p.SendSync(ctx, msg); err != nil {
				b.Fatal(err)
			}
			continue
		}
		l.sem <- struct{}{}
		wg.Add(1)
		if err := l.p.SendAsync(ctx, cb, msg); err != nil {
			b.Fatal(err)
		}
	}
	wg.Wait()
	return time.Since(start)
}

func (l *benchBareLoop) close() { _ = l.p.Shutdown() }
