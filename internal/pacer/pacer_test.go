package pacer

import (
	"math"
	"testing"
	"time"
)

func TestDueStaggersProducers(t *testing.T) {
	// 4 producers share 1000 msg/s: together they are due every 1 ms.
	var all []int64
	for i := 0; i < 4; i++ {
		p := New(0, 1000, i, 4)
		for n := uint64(0); n < 3; n++ {
			all = append(all, p.Due(n))
		}
	}
	want := map[int64]bool{}
	for k := int64(0); k < 12; k++ {
		want[k*int64(time.Millisecond)] = true
	}
	for _, d := range all {
		if !want[d] {
			t.Fatalf("due time %d not on the 1 ms grid; all=%v", d, all)
		}
		delete(want, d)
	}
	if len(want) != 0 {
		t.Fatalf("missing due times %v", want)
	}
}

func TestDueHasNoDrift(t *testing.T) {
	p := New(5, 3, 0, 1) // 3 msg/s: period 333333333.3 ns
	got := p.Due(3_000_000)
	want := int64(5 + 1e15)
	if math.Abs(float64(got-want)) > 1e3 {
		t.Fatalf("Due(3e6) = %d, want %d (±1µs)", got, want)
	}
}

func TestClosedLoop(t *testing.T) {
	p := New(42, 0, 0, 1)
	if !p.Closed() || p.Due(100) != 42 {
		t.Fatalf("closed pacer: Closed=%v Due=%d", p.Closed(), p.Due(100))
	}
}

// TestAccuracy paces 2,000 msg/s for 0.5 s and asserts on the recorded lag
// distribution: every message is sent at or after its due time, and the
// median lag stays below 5 ms even on a loaded 2-core machine. The bound
// is loose on purpose (timers here wake every 0.5–1 ms); the benchmark
// below measures the real figure.
func TestAccuracy(t *testing.T) {
	origin := time.Now()
	now := func() int64 { return int64(time.Since(origin)) }
	p := New(0, 2000, 0, 1)
	done := make(chan struct{})
	var lags []int64
	for n := uint64(0); n < 1000; n++ {
		due := p.Due(n)
		at, ok := p.Wait(due, now, done)
		if !ok {
			t.Fatal("Wait returned false without done")
		}
		if at < due {
			t.Fatalf("Wait returned at %d, before the due time %d", at, due)
		}
		lags = append(lags, now()-due)
	}
	for i, l := range lags {
		if l < 0 {
			t.Fatalf("message %d sent %d ns before it was due", i, -l)
		}
	}
	med := median(lags)
	if med > int64(5*time.Millisecond) {
		t.Fatalf("median pacer lag %v, want < 5ms", time.Duration(med))
	}
	// Rate: the last message is due at 499.5 ms; the loop must not finish
	// much earlier than that (it would mean the pacer sends early).
	if el := time.Since(origin); el < 499*time.Millisecond {
		t.Fatalf("1000 messages at 2000/s took %v, want >= 499ms", el)
	}
}

func TestWaitStopsOnDone(t *testing.T) {
	origin := time.Now()
	now := func() int64 { return int64(time.Since(origin)) }
	p := New(0, 1, 0, 1)
	done := make(chan struct{})
	close(done)
	if _, ok := p.Wait(int64(time.Hour), now, done); ok {
		t.Fatal("Wait returned true though done was closed")
	}
}

func median(v []int64) int64 {
	c := append([]int64(nil), v...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c[len(c)/2]
}

// BenchmarkPacerLag paces 20,000 msg/s and reports the mean lag between
// due time and the moment the message could be sent.
func BenchmarkPacerLag(b *testing.B) {
	origin := time.Now()
	now := func() int64 { return int64(time.Since(origin)) }
	p := New(now(), 20000, 0, 1)
	done := make(chan struct{})
	var sum int64
	for n := 0; n < b.N; n++ {
		due := p.Due(uint64(n))
		p.Wait(due, now, done)
		sum += now() - due
	}
	b.ReportMetric(float64(sum)/float64(b.N)/1e3, "lag-µs/msg")
}
