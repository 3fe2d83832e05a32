package memory_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

func delayedProducer(t testing.TB, d *memory.Driver, id int, mode drivers.Mode) drivers.Producer {
	t.Helper()
	p, err := d.NewProducer(context.Background(), drivers.ProducerConfig{ID: id, Topic: "t", Mode: mode, Window: 64, Kind: drivers.KindDelayed})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// TestDelayedMessages: a delayed producer's messages are acked at once
// with offset -1, delivered in order no sooner than the delay after their
// send began, and carry the delay; a plain producer's do not.
func TestDelayedMessages(t *testing.T) {
	const delay = 200 * time.Millisecond
	d := newDriver(t, 1, func(o *memory.Options) { o.Delay = delay })
	s, _ := consume(t, d, "g", true)
	p := delayedProducer(t, d, 0, drivers.ModeSync)
	starts := make([]time.Time, 10)
	for i := range starts {
		starts[i] = time.Now()
		ack, err := p.Send(context.Background(), message(uint64(i)))
		if err != nil || ack.Offset != -1 || ack.Partition != 0 {
			t.Fatalf("send %d: %+v, %v; want partition 0, offset -1", i, ack, err)
		}
	}
	recs := s.wait(t, 10)
	if !slices.Equal(seqs(recs), []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("delivered %v, want seqs 0..9 in order", seqs(recs))
	}
	for _, r := range recs {
		if r.delay != delay {
			t.Errorf("seq %d carries delay %v, want %v", r.seq, r.delay, delay)
		}
		if early := starts[r.seq].Add(delay).Sub(r.at); early > 0 {
			t.Errorf("seq %d delivered %v before its send began + delay", r.seq, early)
		}
	}
	plain := producer(t, d, 1, drivers.ModeSync)
	if ack, err := plain.Send(context.Background(), message(10)); err != nil || ack.Offset != 10 {
		t.Fatalf("plain send: %+v, %v", ack, err)
	}
	if r := s.wait(t, 11)[10]; r.seq != 10 || r.delay != 0 {
		t.Errorf("plain delivery %+v: want seq 10 without delay", r)
	}
	if c := d.Counters(); c["delayed_messages"] != 10 {
		t.Errorf("counters %v: want delayed_messages 10", c)
	}
}

// TestEarlyInjection: exactly the planned early messages are delivered
// before their (hour-long) delay, carrying it; the others stay scheduled.
func TestEarlyInjection(t *testing.T) {
	d := newDriver(t, 2, func(o *memory.Options) {
		o.Delay = time.Hour
		o.Inject = memory.Inject{Seed: 5, From: 10, To: 60, Early: 7, ReorderDistance: 3}
	})
	s, _ := consume(t, d, "g", true)
	sendN(t, delayedProducer(t, d, 0, drivers.ModeAsync), drivers.ModeAsync, 0, 80)
	var want []uint64
	for _, pl := range d.Plan() {
		if pl.Kind == memory.KindEarly {
			want = append(want, uint64(pl.Index))
		}
	}
	recs := s.wait(t, 7)
	time.Sleep(50 * time.Millisecond) // nothing else may come
	recs = s.all()
	got := seqs(recs)
	slices.Sort(got)
	if len(want) != 7 || !slices.Equal(got, want) {
		t.Fatalf("delivered %v, want the early plan %v", got, want)
	}
	for _, r := range recs {
		if r.delay != time.Hour || r.off < 0 {
			t.Errorf("early delivery %+v: want delay 1h and a real offset", r)
		}
	}
	c := d.Counters()
	if c["inject_early"] != 7 || c["delayed_messages"] != 73 || d.Injected().Early != 7 {
		t.Errorf("counters %v: want inject_early 7, delayed_messages 73", c)
	}
}

// TestEarlyNeedsDelayedMessages: an early injection that falls on a plain
// message does nothing and is not counted.
func TestEarlyNeedsDelayedMessages(t *testing.T) {
	d := newDriver(t, 1, func(o *memory.Options) {
		o.Delay = time.Hour
		o.Inject = memory.Inject{Seed: 1, From: 0, To: 10, Early: 4, Drop: 2, ReorderDistance: 3}
	})
	s, _ := consume(t, d, "g", true)
	sendN(t, producer(t, d, 0, drivers.ModeSync), drivers.ModeSync, 0, 10)
	if recs := s.wait(t, 8); len(recs) != 8 {
		t.Errorf("%d deliveries, want 8 (2 dropped)", len(recs))
	}
	c := d.Counters()
	want := map[string]int64{"inject_drop": 2, "inject_duplicate": 0, "inject_redeliver": 0, "inject_reorder": 0,
		"inject_corrupt": 0, "inject_early": 0, "inject_reorder_short": 0, "delayed_messages": 0}
	if len(c) != len(want) {
		t.Errorf("counters %v, want %v", c, want)
	}
	for k, v := range want {
		if c[k] != v {
			t.Errorf("counter %s = %d, want %d", k, c[k], v)
		}
	}
}

// TestKinds: the factory lists delayed; other kinds, and delayed without
// a delay, are refused when the producer opens.
func TestKinds(t *testing.T) {
	if !slices.Equal(memory.Factory.Kinds, []drivers.Kind{drivers.KindDelayed}) {
		t.Errorf("Factory.Kinds = %v", memory.Factory.Kinds)
	}
	d := newDriver(t, 1, nil)
	for _, tc := range []struct {
		kind drivers.Kind
		want string
	}{
		{drivers.KindDelayed, "driver.options.delay > 0"},
		{drivers.KindTransactional, `message kind "transactional" not supported (allowed: plain, delayed)`},
		{"bogus", `message kind "bogus" not supported`},
	} {
		_, err := d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: "t", Mode: drivers.ModeSync, Kind: tc.kind})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("kind %s: %v, want an error with %q", tc.kind, err, tc.want)
		}
	}
	for _, k := range []drivers.Kind{"", drivers.KindPlain} {
		if _, err := d.NewProducer(context.Background(), drivers.ProducerConfig{Topic: "t", Mode: drivers.ModeSync, Kind: k}); err != nil {
			t.Errorf("kind %q: %v", k, err)
		}
	}
	if errs := (&memory.Options{Delay: -time.Second, Inject: memory.Inject{To: 1, ReorderDistance: 1, Early: -1}}).Validate(); len(errs) != 2 ||
		errs[0].Field != "delay" || errs[1].Field != "inject.early" {
		t.Errorf("validate: %v", errs)
	}
}
