package checker_test

import (
	"io"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Synthetic history for the benchmarks, generated on the fly so that no
// history is held in memory: producer p sends seq s at 10·s+p ns, the ack
// comes 50 ns later (so five sends overlap each ack: Next = s+5), and
// consumer p gets producer p's messages in order 100 ns after the send,
// partition p.
const (
	synthGap = 10
	synthAck = 50
	synthLag = 100
)

type synthSends struct {
	p    uint32
	n, i uint64
}

func (s *synthSends) Read(out *oplog.Send) error {
	if s.i == s.n {
		return io.EOF
	}
	seq := s.i
	s.i++
	sent := int64(seq)*synthGap + int64(s.p)
	*out = oplog.Send{Seq: seq, Outcome: oplog.OK, Partition: int32(s.p), Offset: int64(seq),
		Intended: sent, Sent: sent, Done: sent + synthAck, Next: seq + synthAck/synthGap}
	return nil
}

type synthDeliveries struct {
	p    uint32
	n, i uint64
}

func (s *synthDeliveries) Read(out *oplog.Delivery) error {
	if s.i == s.n {
		return io.EOF
	}
	seq := s.i
	s.i++
	sent := int64(seq)*synthGap + int64(s.p)
	*out = oplog.Delivery{Kind: oplog.KindDelivery, Producer: s.p, Seq: seq, Partition: int32(s.p),
		Offset: int64(seq), Time: sent + synthLag, Intended: sent}
	return nil
}

// synthChecker feeds total messages from the given number of producers.
func synthChecker(producers int, total uint64) *checker.Checker {
	c := checker.New()
	for p := range producers {
		id, n := uint32(p), total/uint64(producers)
		c.AddProducer(id, func() (checker.SendSource, error) { return &synthSends{p: id, n: n}, nil })
		c.AddConsumer(id, func() (checker.DeliverySource, error) { return &synthDeliveries{p: id, n: n}, nil })
	}
	return c
}

// heapSampler records the peak of the heap (live and not yet collected
// objects: HeapAlloc; and spans in use: HeapInuse) every millisecond.
type heapSampler struct {
	samples         []metrics.Sample
	peakObj, peakIn uint64
	stop            chan struct{}
	wg              sync.WaitGroup
}

func newHeapSampler() *heapSampler {
	return &heapSampler{samples: []metrics.Sample{
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
	}}
}

// read takes one sample and returns HeapAlloc and HeapInuse.
func (s *heapSampler) read() (uint64, uint64) {
	metrics.Read(s.samples)
	obj := s.samples[0].Value.Uint64()
	return obj, obj + s.samples[1].Value.Uint64()
}

func (s *heapSampler) sample() {
	obj, in := s.read()
	s.peakObj, s.peakIn = max(s.peakObj, obj), max(s.peakIn, in)
}

func (s *heapSampler) start() {
	s.stop = make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-tick.C:
				s.sample()
			}
		}
	}()
}

func (s *heapSampler) finish() {
	close(s.stop)
	s.wg.Wait()
	s.sample()
}

func benchCheck(b *testing.B, total uint64) {
	for _, producers := range []int{1, 8} {
		b.Run("producers="+strconv.Itoa(producers), func(b *testing.B) {
			var peakObj, peakIn float64
			start := time.Now()
			for range b.N {
				runtime.GC()
				s := newHeapSampler()
				baseObj, baseIn := s.read()
				s.start()
				res, err := synthChecker(producers, total).Run(checker.Options{DrainEnd: checker.DrainComplete})
				s.finish()
				if err != nil {
					b.Fatal(err)
				}
				checkSynth(b, res, total)
				peakObj = max(peakObj, float64(s.peakObj-baseObj))
				peakIn = max(peakIn, float64(s.peakIn-baseIn))
			}
			elapsed := time.Since(start).Seconds()
			b.ReportMetric(peakObj/float64(total), "bytes/msg")
			b.ReportMetric(peakIn/float64(total), "inuse-bytes/msg")
			b.ReportMetric(float64(total)*float64(b.N)/elapsed, "msgs/s")
		})
	}
}

// checkSynth fails the benchmark unless everything was delivered in order.
func checkSynth(b *testing.B, res *checker.Result, total uint64) {
	if res.Counts.Delivered != int64(total) || res.Counts.Acked != int64(total) {
		b.Fatalf("counts %+v", res.Counts)
	}
	for name, c := range res.Checks {
		if c.Count != 0 || c.Verdict != checker.VerdictValid {
			b.Fatalf("%s: %+v", name, c)
		}
	}
}

// BenchmarkCheck10M checks 10 M messages; bytes/msg is the peak heap
// (HeapAlloc, sampled every ms, baseline after a GC subtracted) per message.
func BenchmarkCheck10M(b *testing.B) { benchCheck(b, 10_000_000) }

// BenchmarkCheck100M checks 100 M messages; skipped with -short.
func BenchmarkCheck100M(b *testing.B) {
	if testing.Short() {
		b.Skip("100 M messages: skipped with -short")
	}
	benchCheck(b, 100_000_000)
}
