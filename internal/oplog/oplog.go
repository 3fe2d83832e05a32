// Package oplog holds the raw history of a run: one file per producer with a
// record per completed send, and one file per consumer with a record per
// delivery. The checkers read these files, during `run` and again during
// `check`, so a stored run can always be re-checked.
//
// Files start with a 8-byte header ("BBOPS" + version + kind + 0) followed by
// varint-encoded records. Times are ns since the run's origin (monotonic).
// A file cut short by a crash is read up to its last whole record.
//
// Versions: producer logs are version 1. Consumer logs are written as
// version 2, which adds the delay of a delayed message (Delivery.Delay) to
// a delivery record; version 1 consumer logs (older runs) are still read,
// their deliveries having no delay.
package oplog

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Outcome is how a send ended.
type Outcome uint8

// Send outcomes. Unknown covers timeouts, lost connections and oneway sends:
// the message may or may not have been written. It is never a failure.
const (
	OK      Outcome = 1 // acked by the broker
	Failed  Outcome = 2 // definitely not written
	Unknown Outcome = 3 // outcome not known
)

func (o Outcome) String() string {
	switch o {
	case OK:
		return "ok"
	case Failed:
		return "fail"
	case Unknown:
		return "info"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Send flags.
const (
	FlagWarmup uint8 = 1 << 0 // sent during warm-up: checked, not in latency stats
	FlagKeyed  uint8 = 1 << 1 // the message had a key (Key is valid)
)

// Send is the record of one completed send.
type Send struct {
	Seq       uint64
	Key       uint32 // key id; valid when Flags&FlagKeyed
	Outcome   Outcome
	Flags     uint8
	Partition int32 // from the ack; -1 unknown
	Offset    int64 // from the ack; -1 unknown
	Intended  int64 // ns: when the pacer meant it to be sent
	Sent      int64 // ns: when the send call started
	Done      int64 // ns: when the outcome was known to the harness
	// Next is the producer's next unassigned sequence number at the moment
	// the outcome was observed: every message with Seq >= Next was sent after
	// this one was acked. The order checker relies on it.
	Next uint64
}

// Delivery kinds.
const (
	KindDelivery   uint8 = 1 // a delivery whose envelope decoded
	KindUnexpected uint8 = 2 // a delivery that was not ours or was corrupted
	KindAckFailed  uint8 = 3 // the consumer's ack of (Producer, Seq) failed
)

// Delivery is the record of one delivery (or ack failure) at a consumer.
type Delivery struct {
	Kind        uint8
	Redelivered bool
	Producer    uint32
	Seq         uint64
	Key         uint32 // valid when Keyed
	Keyed       bool
	Partition   int32 // -1 unknown
	Offset      int64 // -1 unknown
	Time        int64 // ns: when the harness got it
	Intended    int64 // ns: envelope's intended send time
	// Delay is the delay the message was sent with (drivers.KindDelayed,
	// from drivers.Delivery.Delay), ns; 0 for every other message. Only
	// KindDelivery records carry it; a negative delay is stored as 0.
	Delay int64
}

// File kinds in the header.
const (
	fileSends      = 'S'
	fileDeliveries = 'D'
)

// Format versions in the header: sends are version 1; deliveries are
// written as version 2 (delays) and read as 1 or 2.
const (
	sendVersion      = '1'
	deliveryVersion1 = '1'
	deliveryVersion  = '2'
)

// flagDelayed marks a version-2 delivery record that carries a delay.
const flagDelayed = 1 << 6

// ErrFormat reports a file that is not an oplog of the expected kind.
var ErrFormat = errors.New("not a brokerbench op log")

func header(version, kind byte) []byte { return []byte{'B', 'B', 'O', 'P', 'S', version, kind, 0} }

// readHeader reads the header of a log of kind and returns its version,
// which must be one of versions.
func readHeader(r io.Reader, kind byte, versions ...byte) (byte, error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	for _, v := range versions {
		if string(h[:]) == string(header(v, kind)) {
			return v, nil
		}
	}
	if string(h[:5]) == "BBOPS" && h[6] == kind {
		return 0, fmt.Errorf("%w: version %q of this kind of log is not known to this build", ErrFormat, h[5])
	}
	return 0, ErrFormat
}

// SendWriter appends Send records. It is not safe for concurrent use; the
// caller serialises (the recorder holds a per-producer lock).
type SendWriter struct {
	w        *bufio.Writer
	buf      [96]byte
	prevSeq  uint64
	prevIntd int64
}

// NewSendWriter writes the header and returns a writer; Flush is the
// caller's to call.
func NewSendWriter(w io.Writer) (*SendWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(header(sendVersion, fileSends)); err != nil {
		return nil, err
	}
	return &SendWriter{w: bw, prevSeq: ^uint64(0)}, nil
}

// Write appends one record.
func (sw *SendWriter) Write(s *Send) error {
	b := sw.buf[:0]
	b = binary.AppendVarint(b, int64(s.Seq-(sw.prevSeq+1)))
	b = append(b, byte(s.Outcome)|s.Flags<<4)
	if s.Flags&FlagKeyed != 0 {
		b = binary.AppendUvarint(b, uint64(s.Key))
	}
	b = binary.AppendUvarint(b, uint64(int64(s.Partition)+1))
	b = binary.AppendUvarint(b, uint64(s.Offset+1))
	b = binary.AppendVarint(b, s.Intended-sw.prevIntd)
	b = binary.AppendVarint(b, s.Sent-s.Intended)
	b = binary.AppendVarint(b, s.Done-s.Sent)
	b = binary.AppendUvarint(b, s.Next-s.Seq)
	sw.prevSeq, sw.prevIntd = s.Seq, s.Intended
	_, err := sw.w.Write(b)
	return err
}

// Flush writes buffered records to the underlying writer.
func (sw *SendWriter) Flush() error { return sw.w.Flush() }

// SendReader reads Send records.
type SendReader struct {
	r        *bufio.Reader
	prevSeq  uint64
	prevIntd int64
}

// NewSendReader checks the header and returns a reader.
func NewSendReader(r io.Reader) (*SendReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if _, err := readHeader(br, fileSends, sendVersion); err != nil {
		return nil, err
	}
	return &SendReader{r: br, prevSeq: ^uint64(0)}, nil
}

// maxSendRecord bounds the encoded size of a Send record (9 varints of at
// most 10 bytes and a flag byte).
const maxSendRecord = 96

// Read returns the next record, io.EOF at a clean end, and
// io.ErrUnexpectedEOF when the file ends inside a record (a crashed run).
// It decodes straight from the reader's buffer (Peek, then Discard).
func (sr *SendReader) Read(s *Send) error {
	buf, perr := sr.r.Peek(maxSendRecord)
	if len(buf) == 0 {
		if perr == nil || errors.Is(perr, io.EOF) {
			return io.EOF
		}
		return perr
	}
	d := sliceDecoder{b: buf}
	s.Seq = sr.prevSeq + 1 + uint64(d.varint())
	ob := d.byte()
	s.Outcome, s.Flags = Outcome(ob&0xF), ob>>4
	s.Key = 0
	if s.Flags&FlagKeyed != 0 {
		s.Key = uint32(d.uvarint())
	}
	s.Partition = int32(int64(d.uvarint()) - 1)
	s.Offset = int64(d.uvarint()) - 1
	s.Intended = sr.prevIntd + d.varint()
	s.Sent = s.Intended + d.varint()
	s.Done = s.Sent + d.varint()
	s.Next = s.Seq + d.uvarint()
	if d.bad {
		if perr != nil && !errors.Is(perr, io.EOF) && !errors.Is(perr, bufio.ErrBufferFull) {
			return perr
		}
		if len(buf) < maxSendRecord {
			return io.ErrUnexpectedEOF
		}
		return fmt.Errorf("%w: malformed send record", ErrFormat)
	}
	if _, err := sr.r.Discard(d.n); err != nil {
		return err
	}
	if s.Outcome < OK || s.Outcome > Unknown {
		return fmt.Errorf("%w: bad outcome %d", ErrFormat, s.Outcome)
	}
	sr.prevSeq, sr.prevIntd = s.Seq, s.Intended
	return nil
}

// sliceDecoder decodes varints from a byte slice; bad is set when the
// slice ends inside a value or a value overflows.
type sliceDecoder struct {
	b   []byte
	n   int
	bad bool
}

func (d *sliceDecoder) byte() byte {
	if d.bad || d.n >= len(d.b) {
		d.bad = true
		return 0
	}
	c := d.b[d.n]
	d.n++
	return c
}

func (d *sliceDecoder) uvarint() uint64 {
	if d.bad {
		return 0
	}
	v, k := binary.Uvarint(d.b[d.n:])
	if k <= 0 {
		d.bad = true
		return 0
	}
	d.n += k
	return v
}

func (d *sliceDecoder) varint() int64 {
	ux := d.uvarint()
	x := int64(ux >> 1)
	if ux&1 != 0 {
		x = ^x
	}
	return x
}

// DeliveryWriter appends Delivery records; not safe for concurrent use.
type DeliveryWriter struct {
	w        *bufio.Writer
	buf      [96]byte
	prevTime int64
}

// NewDeliveryWriter writes the header and returns a writer.
func NewDeliveryWriter(w io.Writer) (*DeliveryWriter, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(header(deliveryVersion, fileDeliveries)); err != nil {
		return nil, err
	}
	return &DeliveryWriter{w: bw}, nil
}

// Write appends one record.
func (dw *DeliveryWriter) Write(d *Delivery) error {
	b := dw.buf[:0]
	flags := d.Kind
	if d.Redelivered {
		flags |= 1 << 4
	}
	if d.Keyed {
		flags |= 1 << 5
	}
	delayed := d.Kind == KindDelivery && d.Delay > 0
	if delayed {
		flags |= flagDelayed
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, d.Time-dw.prevTime)
	if d.Kind != KindUnexpected {
		b = binary.AppendUvarint(b, uint64(d.Producer))
		b = binary.AppendUvarint(b, d.Seq)
		if d.Keyed {
			b = binary.AppendUvarint(b, uint64(d.Key))
		}
		b = binary.AppendVarint(b, d.Time-d.Intended)
		if delayed {
			b = binary.AppendUvarint(b, uint64(d.Delay))
		}
	}
	b = binary.AppendUvarint(b, uint64(int64(d.Partition)+1))
	b = binary.AppendUvarint(b, uint64(d.Offset+1))
	dw.prevTime = d.Time
	_, err := dw.w.Write(b)
	return err
}

// Flush writes buffered records to the underlying writer.
func (dw *DeliveryWriter) Flush() error { return dw.w.Flush() }

// DeliveryReader reads Delivery records of either version.
type DeliveryReader struct {
	r        *bufio.Reader
	prevTime int64
	version  byte
}

// NewDeliveryReader checks the header and returns a reader.
func NewDeliveryReader(r io.Reader) (*DeliveryReader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	v, err := readHeader(br, fileDeliveries, deliveryVersion, deliveryVersion1)
	if err != nil {
		return nil, err
	}
	return &DeliveryReader{r: br, version: v}, nil
}

// Read returns the next record, io.EOF at a clean end, and
// io.ErrUnexpectedEOF when the file ends inside a record.
func (dr *DeliveryReader) Read(d *Delivery) error {
	flags, err := dr.r.ReadByte()
	if err != nil {
		return eof(err, true)
	}
	rd := recordReader{r: dr.r}
	*d = Delivery{Kind: flags & 0xF, Redelivered: flags&(1<<4) != 0, Keyed: flags&(1<<5) != 0}
	if d.Kind < KindDelivery || d.Kind > KindAckFailed {
		return fmt.Errorf("%w: bad delivery kind %d", ErrFormat, d.Kind)
	}
	delayed := flags&flagDelayed != 0
	if delayed && (dr.version == deliveryVersion1 || d.Kind != KindDelivery) || flags&(1<<7) != 0 {
		return fmt.Errorf("%w: bad delivery flags %#x", ErrFormat, flags)
	}
	d.Time = dr.prevTime + rd.varint()
	if d.Kind != KindUnexpected {
		d.Producer = uint32(rd.uvarint())
		d.Seq = rd.uvarint()
		if d.Keyed {
			d.Key = uint32(rd.uvarint())
		}
		d.Intended = d.Time - rd.varint()
		if delayed {
			d.Delay = int64(rd.uvarint())
		}
	}
	d.Partition = int32(int64(rd.uvarint()) - 1)
	d.Offset = int64(rd.uvarint()) - 1
	if rd.err != nil {
		return eof(rd.err, false)
	}
	dr.prevTime = d.Time
	return nil
}

type recordReader struct {
	r   *bufio.Reader
	err error
}

func (rr *recordReader) byte() byte {
	if rr.err != nil {
		return 0
	}
	b, err := rr.r.ReadByte()
	rr.err = err
	return b
}

func (rr *recordReader) varint() int64 {
	if rr.err != nil {
		return 0
	}
	v, err := binary.ReadVarint(rr.r)
	rr.err = err
	return v
}

func (rr *recordReader) uvarint() uint64 {
	if rr.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(rr.r)
	rr.err = err
	return v
}

// eof maps read errors: a clean EOF at a record start is io.EOF, an EOF
// inside a record is io.ErrUnexpectedEOF.
func eof(err error, atStart bool) error {
	if errors.Is(err, io.EOF) && atStart {
		return io.EOF
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
