package drivers

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Envelope is the harness's identity of a message, carried at the start of
// every payload. Its wire form is EnvelopeSize bytes, little-endian:
//
//	0  'b' 'b'      magic
//	2  version      1
//	3  flags        bit 0: keyed
//	4  run          uint32 run nonce: tells this run's messages from leftovers
//	8  producer     uint32
//	12 key          uint32 key id (0 when unkeyed)
//	16 seq          uint64, 0-based per producer
//	24 intended     int64 intended send time, ns since the run's origin
//	32 crc          CRC-32C of the whole payload with these 4 bytes zeroed
//	36 padding      zero bytes up to the message size
//
// The payload is padded with zero bytes to the requested size; the CRC
// covers the padding too, so a corrupted or truncated message is detected.
type Envelope struct {
	Run      uint32 // run nonce, chosen at random per run
	Producer uint32
	Seq      uint64
	Keyed    bool
	Key      uint32
	Intended int64 // ns since the run's origin
}

// EnvelopeSize is the smallest payload the harness can send.
const EnvelopeSize = 36

const envelopeVersion = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Errors returned by DecodeEnvelope; any of them makes the delivery
// "unexpected".
var (
	ErrShortPayload = errors.New("payload shorter than the envelope")
	ErrNotEnvelope  = errors.New("payload does not start with a brokerbench envelope")
	ErrCorrupt      = errors.New("payload checksum mismatch")
)

// Encode writes e into buf, zero-pads it and stamps the checksum. buf must
// be at least EnvelopeSize long; its whole length is the message size.
func (e *Envelope) Encode(buf []byte) {
	_ = buf[EnvelopeSize-1]
	buf[0], buf[1], buf[2] = 'b', 'b', envelopeVersion
	var flags byte
	if e.Keyed {
		flags |= 1
	}
	buf[3] = flags
	binary.LittleEndian.PutUint32(buf[4:], e.Run)
	binary.LittleEndian.PutUint32(buf[8:], e.Producer)
	binary.LittleEndian.PutUint32(buf[12:], e.Key)
	binary.LittleEndian.PutUint64(buf[16:], e.Seq)
	binary.LittleEndian.PutUint64(buf[24:], uint64(e.Intended))
	clear(buf[32:])
	crc := crc32.Update(0, castagnoli, buf)
	binary.LittleEndian.PutUint32(buf[32:], crc)
}

// DecodeEnvelope reads the envelope at the start of p and verifies the
// checksum over all of p. It never panics on foreign input.
func DecodeEnvelope(p []byte) (Envelope, error) {
	if len(p) < EnvelopeSize {
		return Envelope{}, ErrShortPayload
	}
	if p[0] != 'b' || p[1] != 'b' || p[2] != envelopeVersion || p[3]&^1 != 0 {
		return Envelope{}, ErrNotEnvelope
	}
	want := binary.LittleEndian.Uint32(p[32:])
	crc := crc32.Update(0, castagnoli, p[:32])
	crc = crc32.Update(crc, castagnoli, zero4[:])
	crc = crc32.Update(crc, castagnoli, p[36:])
	if crc != want {
		return Envelope{}, ErrCorrupt
	}
	return Envelope{
		Run:      binary.LittleEndian.Uint32(p[4:]),
		Producer: binary.LittleEndian.Uint32(p[8:]),
		Key:      binary.LittleEndian.Uint32(p[12:]),
		Seq:      binary.LittleEndian.Uint64(p[16:]),
		Keyed:    p[3]&1 != 0,
		Intended: int64(binary.LittleEndian.Uint64(p[24:])),
	}, nil
}

var zero4 [4]byte
