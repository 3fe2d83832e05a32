package drivers

import (
	"errors"
	"testing"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	for _, size := range []int{EnvelopeSize, 124, 4096} {
		e := Envelope{Run: 0xdeadbeef, Producer: 7, Seq: 1<<40 + 3, Keyed: true, Key: 99, Intended: -5}
		buf := make([]byte, size)
		for i := range buf {
			buf[i] = 0xff // Encode must zero the padding
		}
		e.Encode(buf)
		got, err := DecodeEnvelope(buf)
		if err != nil || got != e {
			t.Fatalf("size %d: got %+v, %v; want %+v", size, got, err, e)
		}
	}
}

func TestEnvelopeRejectsForeignAndCorrupt(t *testing.T) {
	buf := make([]byte, 124)
	(&Envelope{Producer: 1, Seq: 2}).Encode(buf)
	cases := map[string]struct {
		p    []byte
		want error
	}{
		"short":   {buf[:EnvelopeSize-1], ErrShortPayload},
		"foreign": {[]byte("hello, this is not a brokerbench message at all"), ErrNotEnvelope},
		"padding": {flip(buf, 100), ErrCorrupt},
		"seq":     {flip(buf, 17), ErrCorrupt},
		"crc":     {flip(buf, 33), ErrCorrupt},
		"cut":     {buf[:123], ErrCorrupt},
	}
	for name, c := range cases {
		if _, err := DecodeEnvelope(c.p); !errors.Is(err, c.want) {
			t.Errorf("%s: err %v, want %v", name, err, c.want)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x10
	return c
}

func FuzzDecodeEnvelope(f *testing.F) {
	buf := make([]byte, 124)
	(&Envelope{Producer: 1, Seq: 2, Keyed: true, Key: 3}).Encode(buf)
	f.Add(buf)
	f.Add([]byte("bb\x01\x00"))
	f.Fuzz(func(t *testing.T, p []byte) {
		e, err := DecodeEnvelope(p)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode to the same bytes.
		again := make([]byte, len(p))
		e.Encode(again)
		if string(again) != string(p) {
			t.Fatalf("decoded %+v does not re-encode to the input", e)
		}
	})
}

func TestFailClassification(t *testing.T) {
	base := errors.New("broker said no")
	if !IsFail(Fail(base)) || !errors.Is(Fail(base), base) {
		t.Fatal("Fail must be a definite failure and keep its cause")
	}
	if IsFail(base) || IsFail(nil) {
		t.Fatal("plain errors are unknown outcomes, not failures")
	}
	if !IsFail(Fail(nil)) {
		t.Fatal("Fail(nil) is still a failure")
	}
}

func BenchmarkEnvelopeEncode(b *testing.B) {
	buf := make([]byte, 124)
	e := Envelope{Producer: 1, Keyed: true, Key: 3}
	b.SetBytes(124)
	for i := 0; i < b.N; i++ {
		e.Seq = uint64(i)
		e.Encode(buf)
	}
}
