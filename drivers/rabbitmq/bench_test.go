package rabbitmq_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
)

// BenchmarkDriverVsBare compares the driver with a bare amqp091-go loop
// doing the same publishes (124-byte persistent or transient messages to a
// durable classic queue on node 1, publisher confirms) in the same run: rounds of
// `chunk` messages alternate between the two (and who goes first), so
// drift and the broker's background work hit both alike.
// It reports both rates, driver/bare over the whole run, and the median of
// the per-round ratios (robust to load spikes from other processes on a
// shared machine); the goal is >= 0.95:
//
//	go test -run '^$' -bench DriverVsBare -benchtime 20000x ./drivers/rabbitmq
func BenchmarkDriverVsBare(b *testing.B) {
	for _, persistent := range []bool{true, false} {
		for _, c := range []struct {
			name   string
			mode   drivers.Mode
			window int
		}{{"sync", drivers.ModeSync, 1}, {"async64", drivers.ModeAsync, 64}} {
			name := c.name + "/persistent"
			if !persistent {
				name = c.name + "/transient"
			}
			b.Run(name, func(b *testing.B) { benchPair(b, c.mode, c.window, persistent) })
		}
	}
}

// chunk is the number of messages per round of one side.
const chunk = 250

func benchPair(b *testing.B, mode drivers.Mode, window int, persistent bool) {
	d := open(b, func(o *rabbitmq.Options) { o.URLs, o.Persistent = cluster.Endpoints()[:1], persistent })
	name := topic(b, d, "bench", 1)
	p := produce(b, d, 0, name, mode, window)
	bare := newBare(b, cluster.Endpoints()[0], name, window)
	if !persistent {
		bare.mode = amqp.Transient
	}
	payload := make([]byte, 124)
	(&drivers.Envelope{Seq: 1}).Encode(payload)
	m := &drivers.Message{Topic: name, Payload: payload}
	var tDriver, tBare time.Duration
	var nDriver, nBare int
	var ratios []float64 // per round: driver rate / bare rate
	b.ResetTimer()
	for round := 0; nDriver < b.N; round++ {
		n := min(chunk, b.N-nDriver)
		var td, tb time.Duration
		for side := range 2 { // who goes first alternates
			t0 := time.Now()
			if (round+side)%2 == 0 {
				driverRound(b, p, mode, m, n)
				td = time.Since(t0)
			} else {
				bare.round(b, payload, n)
				tb = time.Since(t0)
			}
		}
		tDriver, tBare, nDriver, nBare = tDriver+td, tBare+tb, nDriver+n, nBare+n
		ratios = append(ratios, tb.Seconds()/td.Seconds())
		if round%20 == 19 { // keep the queue short, off the clock
			b.StopTimer()
			bare.purge(b)
			time.Sleep(50 * time.Millisecond)
			b.StartTimer()
		}
	}
	b.StopTimer()
	dr, br := float64(nDriver)/tDriver.Seconds(), float64(nBare)/tBare.Seconds()
	b.ReportMetric(dr, "driver-msg/s")
	b.ReportMetric(br, "bare-msg/s")
	b.ReportMetric(dr/br, "driver/bare")
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "median-round-ratio")
	b.ReportMetric(0, "ns/op")
}

// driverRound sends n messages through the driver and waits for every
// confirm.
func driverRound(b *testing.B, p drivers.Producer, mode drivers.Mode, m *drivers.Message, n int) {
	ctx := context.Background()
	if mode == drivers.ModeSync {
		for range n {
			if _, err := p.Send(ctx, m); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	var wg sync.WaitGroup
	wg.Add(n)
	done := func(_ drivers.Ack, err error) {
		if err != nil {
			b.Error(err)
		}
		wg.Done()
	}
	for range n {
		p.SendAsync(ctx, m, done)
	}
	wg.Wait()
}

// bare is the plain amqp091-go publisher of the benchmark.
type bare struct {
	conn     *amqp.Connection
	ch       *amqp.Channel
	confirms chan amqp.Confirmation
	queue    string
	window   int
	mode     uint8 // delivery mode
}

func newBare(b *testing.B, url, queue string, window int) *bare {
	conn, err := amqp.Dial(url)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		b.Fatal(err)
	}
	if err := ch.Confirm(false); err != nil {
		b.Fatal(err)
	}
	return &bare{conn: conn, ch: ch, confirms: ch.NotifyPublish(make(chan amqp.Confirmation, window)), queue: queue, window: window, mode: amqp.Persistent}
}

// round publishes n messages keeping at most window unconfirmed, and
// waits for every confirm.
func (x *bare) round(b *testing.B, body []byte, n int) {
	out := 0
	for range n {
		err := x.ch.Publish("", x.queue, false, false, amqp.Publishing{DeliveryMode: x.mode, Body: body})
		if err != nil {
			b.Fatal(err)
		}
		if out++; out == x.window {
			x.confirm(b)
			out--
		}
	}
	for ; out > 0; out-- {
		x.confirm(b)
	}
}

func (x *bare) confirm(b *testing.B) {
	if c := <-x.confirms; !c.Ack {
		b.Fatalf("bare publish nacked (tag %d)", c.DeliveryTag)
	}
}

func (x *bare) purge(b *testing.B) {
	if _, err := x.ch.QueuePurge(x.queue, false); err != nil {
		b.Fatal(err)
	}
}
