package oplog

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
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
