package oplog

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

func randomSends(n int, rng *rand.Rand) []Send {
	out := make([]Send, n)
	var t int64
	for i := range out {
		t += rng.Int64N(1e6)
		s := Send{
			Seq: uint64(i) + uint64(rng.IntN(3)), Outcome: Outcome(1 + rng.IntN(3)),
			Partition: int32(rng.IntN(5)) - 1, Offset: rng.Int64N(1<<40) - 1,
			Intended: t - rng.Int64N(1e9), Sent: t, Done: t + rng.Int64N(1e9),
		}
		if rng.IntN(2) == 0 {
			s.Flags, s.Key = FlagKeyed, uint32(rng.IntN(1000))
		}
		if rng.IntN(5) == 0 {
			s.Flags |= FlagWarmup
		}
		s.Next = s.Seq + 1 + uint64(rng.IntN(100))
		out[i] = s
	}
	return out
}

func TestSendRoundTripAndTruncation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sends := randomSends(500, rng)
	var buf bytes.Buffer
	w, err := NewSendWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sends {
		if err := w.Write(&sends[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	all := buf.Bytes()
	r, err := NewSendReader(bytes.NewReader(all))
	if err != nil {
		t.Fatal(err)
	}
	for i := range sends {
		var s Send
		if err := r.Read(&s); err != nil || s != sends[i] {
			t.Fatalf("record %d: %+v, %v; want %+v", i, s, err, sends[i])
		}
	}
	var s Send
	if err := r.Read(&s); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
	// Cut in the middle of the last record: everything before reads, then
	// io.ErrUnexpectedEOF.
	r, _ = NewSendReader(bytes.NewReader(all[:len(all)-2]))
	n := 0
	for {
		err := r.Read(&s)
		if err != nil {
			if !errors.Is(err, io.ErrUnexpectedEOF) || n != len(sends)-1 {
				t.Fatalf("truncated: %d records then %v", n, err)
			}
			break
		}
		n++
	}
}

func TestDeliveryRoundTrip(t *testing.T) {
	ds := []Delivery{
		{Kind: KindDelivery, Producer: 3, Seq: 10, Keyed: true, Key: 4, Partition: 2, Offset: 77, Time: 100, Intended: 50},
		{Kind: KindUnexpected, Partition: -1, Offset: -1, Time: 120},
		{Kind: KindAckFailed, Redelivered: true, Producer: 3, Seq: 10, Partition: 2, Offset: 77, Time: 130, Intended: 50},
		{Kind: KindDelivery, Producer: 1, Seq: 5, Partition: 0, Offset: 9, Time: 2e9, Intended: 1e9 + 7, Delay: 1e9},
		{Kind: KindDelivery, Redelivered: true, Producer: 1, Seq: 6, Keyed: true, Key: 1, Partition: -1, Offset: -1, Time: 2e9, Intended: 3e9, Delay: 1 << 40},
	}
	var buf bytes.Buffer
	w, _ := NewDeliveryWriter(&buf)
	for i := range ds {
		if err := w.Write(&ds[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	r, err := NewDeliveryReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ds {
		var d Delivery
		if err := r.Read(&d); err != nil || d != ds[i] {
			t.Fatalf("record %d: %+v, %v; want %+v", i, d, err, ds[i])
		}
	}
}

func TestWrongFileKind(t *testing.T) {
	var buf bytes.Buffer
	w, _ := NewDeliveryWriter(&buf)
	w.Flush()
	if _, err := NewSendReader(&buf); !errors.Is(err, ErrFormat) {
		t.Fatalf("reading a delivery log as a send log: %v", err)
	}
	if _, err := NewSendReader(bytes.NewReader([]byte("garbage!"))); !errors.Is(err, ErrFormat) {
		t.Fatal("garbage accepted")
	}
}

func FuzzReaders(f *testing.F) {
	f.Add([]byte("BBOPS1S\x00\x00\x01\x02\x03"))
	f.Add([]byte("BBOPS1D\x00\x01\x02\x03"))
	f.Add([]byte("BBOPS2D\x00\x41\x02\x03\x04\x05\x06\x07\x08"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if r, err := NewSendReader(bytes.NewReader(b)); err == nil {
			var s Send
			for i := 0; i < 10000 && r.Read(&s) == nil; i++ {
			}
		}
		if r, err := NewDeliveryReader(bytes.NewReader(b)); err == nil {
			var d Delivery
			for i := 0; i < 10000 && r.Read(&d) == nil; i++ {
			}
		}
	})
}

// TestDeliveryVersions: version 1 consumer logs (older runs, no delays)
// still read; a delay flag in one is a format error, as is a version this
// build does not know; a delay is only stored on a delivery.
func TestDeliveryVersions(t *testing.T) {
	// Version 1: a keyed delivery, then an unexpected one, as old builds wrote them.
	v1 := []byte("BBOPS1D\x00")
	v1 = append(v1, KindDelivery|1<<5, 200, 1, 3, 10, 4, 100, 3, 78) // time 100, producer 3, seq 10, key 4, intended 50, partition 2, offset 77
	v1 = append(v1, KindUnexpected, 40, 0, 0)                        // time 120, partition -1, offset -1
	r, err := NewDeliveryReader(bytes.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	want := []Delivery{
		{Kind: KindDelivery, Producer: 3, Seq: 10, Keyed: true, Key: 4, Partition: 2, Offset: 77, Time: 100, Intended: 50},
		{Kind: KindUnexpected, Partition: -1, Offset: -1, Time: 120},
	}
	for i := range want {
		var d Delivery
		if err := r.Read(&d); err != nil || d != want[i] {
			t.Fatalf("v1 record %d: %+v, %v; want %+v", i, d, err, want[i])
		}
	}
	bad := append([]byte("BBOPS1D\x00"), KindDelivery|flagDelayed, 200, 1, 3, 10, 100, 3, 78, 5)
	r, _ = NewDeliveryReader(bytes.NewReader(bad))
	var d Delivery
	if err := r.Read(&d); !errors.Is(err, ErrFormat) {
		t.Errorf("delay flag in a v1 log: %v", err)
	}
	if _, err := NewDeliveryReader(bytes.NewReader([]byte("BBOPS9D\x00"))); !errors.Is(err, ErrFormat) ||
		!strings.Contains(err.Error(), "version '9'") {
		t.Errorf("unknown version: %v", err)
	}
	var buf bytes.Buffer
	w, _ := NewDeliveryWriter(&buf)
	for _, d := range []Delivery{
		{Kind: KindAckFailed, Producer: 1, Seq: 2, Time: 5, Intended: 1, Delay: 7},
		{Kind: KindUnexpected, Time: 6, Delay: 7},
		{Kind: KindDelivery, Producer: 1, Seq: 3, Time: 7, Intended: 1, Delay: -5},
	} {
		if err := w.Write(&d); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	r, _ = NewDeliveryReader(&buf)
	for i := 0; i < 3; i++ {
		if err := r.Read(&d); err != nil || d.Delay != 0 {
			t.Errorf("record %d: delay %d, %v; want 0 (only positive delays of deliveries are stored)", i, d.Delay, err)
		}
	}
}
