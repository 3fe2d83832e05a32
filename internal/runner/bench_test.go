package runner

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/null"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/pacer"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/scenarios"
)

// benchHarness measures the harness's own ceiling on the null driver: b.N
// messages of 124 bytes from one producer, closed loop, with full
// accounting — envelope with CRC, HdrHistograms (response and service
// time), live counters and tracker, the op log written to disk, and the
// checker run over that log at the end. Run it with -cpu 1 for the
// per-core figure (see docs/benchmarks.md).
func benchHarness(b *testing.B, mode drivers.Mode) {
	dir := b.TempDir()
	rec, err := recorder.New(recorder.Config{Dir: dir, Producers: 1, Origin: time.Now()})
	if err != nil {
		b.Fatal(err)
	}
	rec.SetWarmupEnd(0)
	prod, _ := null.New().NewProducer(context.Background(), drivers.ProducerConfig{})
	var errs errorTally
	l := &producerLoop{
		rec: rec.Producer(0), prod: prod, pacer: pacer.New(0, 0, 0, 1),
		keys: newKeyPicker(scenarios.Keys{Count: 16}, 1, 0, keyBytes(16)),
		mode: mode, topic: "t", size: 124, sendEnd: math.MaxInt64, limit: uint64(b.N),
		now: rec.Now, stop: make(chan struct{}), ctx: context.Background(), errs: &errs,
	}
	l.init(256)
	b.SetBytes(124)
	b.ReportAllocs()
	b.ResetTimer()
	l.run()
	l.awaitInFlight(time.Now().Add(10 * time.Second))
	if err := rec.Close(); err != nil {
		b.Fatal(err)
	}
	res, err := checker.CheckDir(dir, checker.Options{DrainEnd: checker.DrainComplete})
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if res.Counts.Sent != int64(b.N) || res.Counts.Failed != 0 {
		b.Fatalf("checked %+v, want %d sent", res.Counts, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func BenchmarkHarnessNullSync(b *testing.B)   { benchHarness(b, drivers.ModeSync) }
func BenchmarkHarnessNullAsync(b *testing.B)  { benchHarness(b, drivers.ModeAsync) }
func BenchmarkHarnessNullOneway(b *testing.B) { benchHarness(b, drivers.ModeOneway) }
