package memory_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

// findings is what a checker would conclude from one producer's deliveries.
type findings struct {
	lost, dup, redelivered, reordered []uint64
}

// analyse classifies the deliveries of seqs [0, n): lost (never delivered),
// broker duplicates (an unflagged second delivery), flagged redeliveries,
// and reordered (first delivered after a higher seq of the same partition).
func analyse(recs []got, n uint64) findings {
	var f findings
	count := make(map[uint64]int)
	maxSeen := make(map[int32]uint64)
	anySeen := make(map[int32]bool)
	for _, r := range recs {
		count[r.seq]++
		switch {
		case r.redelivered:
			f.redelivered = append(f.redelivered, r.seq)
		case count[r.seq] > 1:
			f.dup = append(f.dup, r.seq)
		case anySeen[r.part] && maxSeen[r.part] > r.seq:
			f.reordered = append(f.reordered, r.seq)
		}
		if !r.redelivered {
			maxSeen[r.part] = max(maxSeen[r.part], r.seq)
			anySeen[r.part] = true
		}
	}
	for s := range n {
		if count[s] == 0 {
			f.lost = append(f.lost, s)
		}
	}
	return f
}

func planned(d *memory.Driver, k memory.Kind) []uint64 {
	var out []uint64
	for _, p := range d.Plan() {
		if p.Kind == k {
			out = append(out, uint64(p.Index))
		}
	}
	return out
}

// TestInjectionExactCounts: with one producer the arrival index is the
// seq, so every planned index must show up as exactly its anomaly.
func TestInjectionExactCounts(t *testing.T) {
	cases := []struct {
		mode    drivers.Mode
		latency time.Duration
	}{{drivers.ModeSync, 0}, {drivers.ModeAsync, 0}, {drivers.ModeAsync, 100 * time.Microsecond}, {drivers.ModeOneway, 0}}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v/latency=%v", tc.mode, tc.latency), func(t *testing.T) {
			const n = 2200
			d := newDriver(t, 4, func(o *memory.Options) {
				o.AckLatency = tc.latency
				o.Inject = memory.Inject{Seed: 7, From: 100, To: 2100, Drop: 5, Duplicate: 7, Redeliver: 4, Reorder: 6, ReorderDistance: 3}
			})
			s, _ := consume(t, d, "g", true)
			acks := sendN(t, producer(t, d, 0, tc.mode), tc.mode, 0, n)
			recs := s.wait(t, n-5+7+4)
			time.Sleep(50 * time.Millisecond)
			if extra := len(s.all()) - len(recs); extra != 0 {
				t.Errorf("%d deliveries more than expected", extra)
			}
			f := analyse(recs, n)
			want := memory.InjectCounts{Drop: 5, Duplicate: 7, Redeliver: 4, Reorder: 6}
			if got := d.Injected(); got != want {
				t.Errorf("Injected() = %+v, want %+v", got, want)
			}
			for _, c := range []struct {
				name string
				got  []uint64
				kind memory.Kind
			}{{"lost", f.lost, memory.KindDrop}, {"duplicate", f.dup, memory.KindDuplicate},
				{"redelivered", f.redelivered, memory.KindRedeliver}, {"reordered", f.reordered, memory.KindReorder}} {
				slices.Sort(c.got)
				if want := planned(d, c.kind); !slices.Equal(c.got, want) {
					t.Errorf("%s seqs %v, planned %v", c.name, c.got, want)
				}
			}
			if tc.mode != drivers.ModeOneway {
				checkInjectedAcks(t, d, acks, recs)
			}
		})
	}
}

// checkInjectedAcks: dropped and held messages are acked with offset -1,
// every other ack names the offset of the (first) delivery, and every ack's
// partition is its delivery's.
func checkInjectedAcks(t *testing.T, d *memory.Driver, acks []drivers.Ack, recs []got) {
	first := make(map[uint64]got)
	for _, r := range recs {
		if _, ok := first[r.seq]; !ok {
			first[r.seq] = r
		}
	}
	kinds := make(map[uint64]memory.Kind)
	for _, p := range d.Plan() {
		kinds[uint64(p.Index)] = p.Kind
	}
	for seq, ack := range acks {
		r, delivered := first[uint64(seq)]
		wantOff := r.off
		if k := kinds[uint64(seq)]; k == memory.KindDrop || k == memory.KindReorder {
			wantOff = -1
		}
		if ack.Offset != wantOff || (delivered && ack.Partition != r.part) || ack.Partition < 0 {
			t.Errorf("seq %d (%v): ack %+v, delivered %v at %d/%d", seq, kinds[uint64(seq)], ack, delivered, r.part, r.off)
		}
	}
}

// TestInjectionShortRun: a run shorter than To gets only the planned
// indices it reached.
func TestInjectionShortRun(t *testing.T) {
	d := newDriver(t, 1, func(o *memory.Options) {
		o.Inject = memory.Inject{Seed: 3, From: 0, To: 100, Drop: 10, Duplicate: 10, ReorderDistance: 1}
	})
	sendN(t, producer(t, d, 0, drivers.ModeSync), drivers.ModeSync, 0, 50)
	var want memory.InjectCounts
	for _, p := range d.Plan() {
		if p.Index < 50 {
			switch p.Kind {
			case memory.KindDrop:
				want.Drop++
			case memory.KindDuplicate:
				want.Duplicate++
			}
		}
	}
	if got := d.Injected(); got != want {
		t.Fatalf("Injected() = %+v, want %+v", got, want)
	}
}

func TestPlanDeterministicAndDistinct(t *testing.T) {
	in := memory.Inject{Seed: 42, From: 10, To: 40, Drop: 10, Duplicate: 10, Redeliver: 5, Reorder: 5, ReorderDistance: 1}
	plan := func(seed int64) []memory.Planned {
		in := in
		in.Seed = seed
		d, err := memory.New(&memory.Options{Inject: in}, drivers.Env{})
		if err != nil {
			t.Fatal(err)
		}
		return d.Plan()
	}
	a, b, c := plan(42), plan(42), plan(43)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different plans")
	}
	if slices.Equal(a, c) {
		t.Fatal("different seeds, same plan")
	}
	if len(a) != 30 {
		t.Fatalf("plan has %d entries, want 30 (the whole window)", len(a))
	}
	for i, p := range a {
		if p.Index != int64(10+i) {
			t.Fatalf("plan %v does not cover [10, 40) once each", a)
		}
	}
}

// TestInjectionKinds checks each kind's exact delivery pattern on one
// partition, with the injection at arrival index 0.
func TestInjectionKinds(t *testing.T) {
	cases := []struct {
		kind   string
		inject memory.Inject
		want   string // seqs delivered, R = flagged
	}{
		{"drop", memory.Inject{Drop: 1}, "1 2 3"},
		{"duplicate", memory.Inject{Duplicate: 1}, "0 0 1 2 3"},
		{"redeliver", memory.Inject{Redeliver: 1}, "0 0R 1 2 3"},
		{"reorder", memory.Inject{Reorder: 1, ReorderDistance: 2}, "1 2 0 3"},
	}
	for _, tc := range cases {
		t.Run(tc.kind, func(t *testing.T) {
			d := newDriver(t, 1, func(o *memory.Options) {
				in := tc.inject
				in.From, in.To = 0, 1
				in.ReorderDistance = max(in.ReorderDistance, 1)
				o.Inject = in
			})
			s, _ := consume(t, d, "g", true)
			p := producer(t, d, 0, drivers.ModeSync)
			sendN(t, p, drivers.ModeSync, 0, 4)
			s.wait(t, len(strings.Fields(tc.want)))
			time.Sleep(20 * time.Millisecond)
			if got := pattern(s.all()); got != tc.want {
				t.Fatalf("delivered %q, want %q", got, tc.want)
			}
			if short := d.Injected().ReorderShort; short != 0 {
				t.Fatalf("ReorderShort = %d, want 0", short)
			}
		})
	}
}

func pattern(recs []got) string {
	var out []string
	for _, r := range recs {
		s := fmt.Sprint(r.seq)
		if r.redelivered {
			s += "R"
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}
