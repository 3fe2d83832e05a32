package kafka_test

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	kgo "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
)

// benchWindow is the async in-flight bound of both loops.
const benchWindow = 1024

// BenchmarkSendKfake compares the driver's send throughput with a bare
// kafka-go loop doing the same sends (same Writer settings, 124-byte
// payloads, 8 keys, acks all, a 4-partition topic) against the same
// 3-broker in-process kfake cluster (a stand-in: these numbers are not
// Apache Kafka's), interleaving chunks of the two so that both see the
// same machine. It reports driver-msg/s and bare-msg/s over the whole
// run, ratio, the median of the per-pair throughput ratios (goal >=
// 0.95), and cpu-ratio, the loops' CPU cost per message, bare/driver (see
// interleave). Run:
//
//	go test ./drivers/kafka -run '^$' -bench SendKfake -benchtime 5s
func BenchmarkSendKfake(b *testing.B) {
	c := startKfake(b, 3)
	for _, mode := range []drivers.Mode{drivers.ModeSync, drivers.ModeAsync} {
		b.Run(mode.String(), func(b *testing.B) {
			d := openDriver(b, c.Endpoints(), nil)
			topic := fmt.Sprintf("bench-%s-%d", mode, time.Now().UnixNano())
			if err := d.Setup(context.Background(), []drivers.Destination{{Name: topic, Partitions: 4}}); err != nil {
				b.Fatal(err)
			}
			drv := newDriverLoop(b, d, topic, mode)
			bare := newBareLoop(c.Endpoints(), topic, mode)
			defer drv.close()
			defer bare.close()
			drv.send(b, 500) // warm up connections and metadata
			bare.send(b, 500)
			b.ResetTimer()
			res := interleave(b, drv, bare)
			b.StopTimer()
			b.ReportMetric(float64(b.N)/res.tDrv.Seconds(), "driver-msg/s")
			b.ReportMetric(float64(b.N)/res.tBare.Seconds(), "bare-msg/s")
			b.ReportMetric(res.ratio, "ratio")
			b.ReportMetric(res.cpuRatio, "cpu-ratio")
		})
	}
}

// sender sends k messages and returns how long they took to be acked.
type sender interface {
	send(b *testing.B, k int) time.Duration
}

// pairResult is what interleave measured.
type pairResult struct {
	tDrv, tBare time.Duration // total wall time of each loop
	ratio       float64       // median of the pairs' throughput ratios, driver/bare
	cpuRatio    float64       // bare/driver process CPU time over the whole run
}

// interleave sends b.N messages through each loop in pairs of chunks
// (about 40 pairs, the order alternating, a GC before each chunk so that
// neither pays for the other's garbage). The median of the pairs'
// throughput ratios resists bursts of load from other processes better
// than the ratio of the totals; the CPU ratio (this process's CPU time,
// kfake included, per chunk) resists it better still, as long as the
// machine is saturated.
func interleave(b *testing.B, drv, bare sender) pairResult {
	var res pairResult
	chunk := max(b.N/40, 1)
	var ratios []float64
	var cDrv, cBare time.Duration
	run := func(s sender, k int) (time.Duration, time.Duration) {
		runtime.GC()
		c0 := cpuTime()
		d := s.send(b, k)
		return d, cpuTime() - c0
	}
	for sent, i := 0, 0; sent < b.N; sent, i = sent+chunk, i+1 {
		k := min(chunk, b.N-sent)
		var d, r, cd, cr time.Duration
		if i%2 == 0 {
			d, cd = run(drv, k)
			r, cr = run(bare, k)
		} else {
			r, cr = run(bare, k)
			d, cd = run(drv, k)
		}
		res.tDrv, res.tBare, cDrv, cBare = res.tDrv+d, res.tBare+r, cDrv+cd, cBare+cr
		ratios = append(ratios, float64(r)/float64(d))
	}
	slices.Sort(ratios)
	res.ratio = ratios[len(ratios)/2]
	res.cpuRatio = float64(cBare) / float64(cDrv)
	return res
}

// cpuTime is this process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var (
	benchKeys = func() (ks [8][]byte) {
		for i := range ks {
			ks[i] = []byte(fmt.Sprintf("key-%d", i))
		}
		return
	}()
	benchPayload = func() []byte {
		p := make([]byte, messageSize)
		(&drivers.Envelope{Keyed: true}).Encode(p)
		return p
	}()
)

// driverLoop sends through the driver.
type driverLoop struct {
	p     drivers.Producer
	topic string
	mode  drivers.Mode
}

func newDriverLoop(b *testing.B, d *kafka.Driver, topic string, mode drivers.Mode) *driverLoop {
	p, err := d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: topic, Mode: mode, Window: benchWindow})
	if err != nil {
		b.Fatal(err)
	}
	return &driverLoop{p: p, topic: topic, mode: mode}
}

// send sends k messages and returns how long they took to be acked. Like
// the runner, it reuses one Message (the driver keeps no pointer to it)
// and one done callback.
func (l *driverLoop) send(b *testing.B, k int) time.Duration {
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
	for i := range k {
		m.Key = benchKeys[i%len(benchKeys)]
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

func (l *driverLoop) close() { _ = l.p.Close() }

// bareLoop sends with kafka-go directly, configured as the driver
// configures it (sync: BatchSize 1; async: Async with a Completion that
// frees a window slot per message).
type bareLoop struct {
	w     *kgo.Writer
	tr    *kgo.Transport
	topic string
	async bool
	sem   chan struct{}
	wg    sync.WaitGroup
}

func newBareLoop(endpoints []string, topic string, mode drivers.Mode) *bareLoop {
	l := &bareLoop{tr: &kgo.Transport{MetadataTTL: 500 * time.Millisecond, DialTimeout: 5 * time.Second},
		topic: topic, async: mode == drivers.ModeAsync, sem: make(chan struct{}, benchWindow)}
	l.w = &kgo.Writer{
		Addr: kgo.TCP(endpoints...), Balancer: &kgo.Hash{}, MaxAttempts: 10,
		BatchSize: 1, BatchTimeout: time.Millisecond, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second,
		RequiredAcks: kgo.RequireAll, Transport: l.tr,
	}
	if l.async {
		l.w.Async, l.w.BatchSize = true, 100
		l.w.Completion = func(ms []kgo.Message, _ error) {
			for range ms {
				<-l.sem
				l.wg.Done()
			}
		}
	}
	return l
}

// send sends k messages and returns how long they took to be acked.
func (l *bareLoop) send(b *testing.B, k int) time.Duration {
	ctx := context.Background()
	start := time.Now()
	for i := range k {
		m := kgo.Message{Topic: l.topic, Key: benchKeys[i%len(benchKeys)], Value: benchPayload, Time: time.Now()}
		if l.async {
			l.sem <- struct{}{}
			l.wg.Add(1)
		}
		if err := l.w.WriteMessages(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	l.wg.Wait()
	return time.Since(start)
}

func (l *bareLoop) close() {
	_ = l.w.Close()
	l.tr.CloseIdleConnections()
}
