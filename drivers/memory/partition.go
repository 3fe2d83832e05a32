package memory

import "time"

// chunkBits sets the log's chunk size: records live in chunks of
// 1<<chunkBits, so appends never copy the whole log and consumed chunks can
// be freed.
const chunkBits = 10

const chunkSize = 1 << chunkBits

// record is one stored message. key and payload are the broker's own
// copies (from the partition's arena) and never change.
type record struct {
	key, payload []byte
	// visible is when the record may be delivered, in ns of the driver's
	// clock (see Driver.now); 0 when DeliveryLatency is 0.
	visible int64
	// redeliver marks a KindRedeliver message: each group delivers it once
	// more, flagged, after its first ack.
	redeliver bool
	// delay is the delay a delayed message was sent with (its deliveries
	// carry it); 0 for others.
	delay time.Duration
}

// partition is one append-only log plus the messages held back from it by
// a reorder injection. Guarded by its topic's mutex.
type partition struct {
	chunks [][]record // chunk i holds offsets [i<<chunkBits, (i+1)<<chunkBits); nil once trimmed
	start  int64      // first retained offset (a chunk boundary)
	end    int64      // next offset to append
	arena  arena
	held   []*heldMsg // reorder injections waiting, in hold order
}

// append stores r at the end of the log and returns its offset.
func (p *partition) append(r record) int64 {
	off := p.end
	ci := int(off >> chunkBits)
	if ci == len(p.chunks) {
		p.chunks = append(p.chunks, make([]record, 0, chunkSize))
	}
	p.chunks[ci] = append(p.chunks[ci], r)
	p.end++
	return off
}

// at returns the record at off; start <= off < end.
func (p *partition) at(off int64) *record {
	return &p.chunks[off>>chunkBits][off&(chunkSize-1)]
}

// trim frees the chunks that hold only offsets below off.
func (p *partition) trim(off int64) {
	for p.start+chunkSize <= off && p.start+chunkSize <= p.end {
		p.chunks[p.start>>chunkBits] = nil
		p.start += chunkSize
	}
}

// arena hands out copies of small byte slices from shared blocks, so a
// stored message costs no allocation of its own. A block stays alive while
// any record (or a Handler's Delivery) refers to it.
type arena struct{ buf []byte }

const (
	arenaBlock = 64 << 10 // bytes per block
	arenaMax   = 4 << 10  // larger slices get their own allocation
)

// copy returns a copy of b with its capacity clipped to its length; nil
// stays nil.
func (a *arena) copy(b []byte) []byte {
	if b == nil {
		return nil
	}
	if len(b) > arenaMax {
		return append(make([]byte, 0, len(b)), b...)
	}
	if len(b) > cap(a.buf)-len(a.buf) {
		a.buf = make([]byte, 0, arenaBlock)
	}
	n := len(a.buf)
	a.buf = append(a.buf, b...)
	return a.buf[n:len(a.buf):len(a.buf)]
}
