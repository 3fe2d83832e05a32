package memory_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

// Timing asserts here are deliberately loose (the machine is noisy): a
// stalled send must not return before 90% of the stall has passed, and must
// return within a few seconds.

// stalledDriver opens a driver (Env.Start = now) stalled during [at, at+dur).
func stalledDriver(t *testing.T, at, dur time.Duration, edit func(*memory.Options)) (*memory.Driver, time.Time) {
	t.Helper()
	start := time.Now()
	o := memory.DefaultOptions()
	o.Stalls = []memory.Stall{{At: at, For: dur}}
	if edit != nil {
		edit(o)
	}
	d, err := memory.New(o, drivers.Env{Start: start})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Setup(context.Background(), []drivers.Destination{{Name: "t", Partitions: 2}}); err != nil {
		t.Fatal(err)
	}
	return d, start
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }

func TestStallBlocksSyncSend(t *testing.T) {
	const at, dur = 100 * time.Millisecond, 300 * time.Millisecond
	d, start := stalledDriver(t, at, dur, nil)
	p := producer(t, d, 0, drivers.ModeSync)
	if _, err := p.Send(context.Background(), message(0)); err != nil {
		t.Fatal(err)
	}
	sleepUntil(start.Add(at + 20*time.Millisecond))
	before := d.Arrivals()
	if _, err := p.Send(context.Background(), message(1)); err != nil {
		t.Fatal(err)
	}
	assertAfterStall(t, start, at, dur)
	if d.Arrivals() != before+1 {
		t.Fatalf("arrivals %d, want %d", d.Arrivals(), before+1)
	}
}

func assertAfterStall(t *testing.T, start time.Time, at, dur time.Duration) {
	t.Helper()
	el := time.Since(start)
	if el < at+dur*9/10 {
		t.Fatalf("ack %v after start, before the stall [%v, %v) ended", el, at, at+dur)
	}
	if el > at+dur+3*time.Second {
		t.Fatalf("ack %v after start, long after the stall [%v, %v) ended", el, at, at+dur)
	}
}

func TestStallBlocksAsyncAndOneway(t *testing.T) {
	const at, dur = 50 * time.Millisecond, 300 * time.Millisecond
	d, start := stalledDriver(t, at, dur, nil)
	s, _ := consume(t, d, "g", true)
	sleepUntil(start.Add(at + 20*time.Millisecond))
	pa := producer(t, d, 0, drivers.ModeAsync)
	done := make(chan time.Time, 1)
	pa.SendAsync(context.Background(), message(0), func(_ drivers.Ack, err error) {
		if err != nil {
			t.Error(err)
		}
		done <- time.Now()
	})
	if d.Arrivals() != 0 {
		t.Fatal("async send accepted during a stall")
	}
	po := producer(t, d, 1, drivers.ModeOneway)
	if err := po.SendOneway(context.Background(), message(1)); err != nil {
		t.Fatal(err)
	}
	assertAfterStall(t, start, at, dur)
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("async done not called after the stall")
	}
	if len(s.wait(t, 2)) != 2 {
		t.Fatal("stalled messages not delivered")
	}
}

// TestStallHoldsAcks: a message accepted before the stall whose ack falls
// due inside it is acked at the stall's end.
func TestStallHoldsAcks(t *testing.T) {
	const at, dur = 50 * time.Millisecond, 300 * time.Millisecond
	d, start := stalledDriver(t, at, dur, func(o *memory.Options) { o.AckLatency = 100 * time.Millisecond })
	p := producer(t, d, 0, drivers.ModeSync)
	if _, err := p.Send(context.Background(), message(0)); err != nil {
		t.Fatal(err)
	}
	assertAfterStall(t, start, at, dur)
}

// TestStallCancel: a send blocked in a stall returns ctx.Err(), which is an
// unknown outcome (not drivers.IsFail), and stores nothing.
func TestStallCancel(t *testing.T) {
	d, _ := stalledDriver(t, 0, time.Hour, nil)
	for _, mode := range []drivers.Mode{drivers.ModeSync, drivers.ModeAsync, drivers.ModeOneway} {
		p := producer(t, d, int(mode), mode)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		var err error
		switch mode {
		case drivers.ModeSync:
			_, err = p.Send(ctx, message(0))
		case drivers.ModeOneway:
			err = p.SendOneway(ctx, message(0))
		case drivers.ModeAsync:
			ch := make(chan error, 1)
			p.SendAsync(ctx, message(0), func(_ drivers.Ack, err error) { ch <- err })
			select {
			case err = <-ch:
			case <-time.After(5 * time.Second):
				t.Fatal("async done not called after ctx ended")
			}
		}
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || drivers.IsFail(err) {
			t.Errorf("%v: err %v, want context.DeadlineExceeded, not a definite failure", mode, err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := d.Arrivals(); n != 0 {
		t.Fatalf("%d sends accepted during the stall", n)
	}
}
