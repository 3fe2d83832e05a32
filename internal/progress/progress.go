// Package progress tracks, while a run goes on, which acked messages have
// been delivered, so the drain knows when every acked message has arrived.
//
// It keeps 2 bits per message (acked, delivered) in chunked arrays per
// producer, set with atomic ORs, and counts the messages whose two bits are
// both set exactly once, whichever bit came second. It is the live
// counterpart of the checker, which recomputes everything from the op logs.
package progress

import (
	"sync"
	"sync/atomic"
)

const (
	msgsPerWord  = 16 // 2 bits each in a uint32
	wordsPerChnk = 1 << 12
	msgsPerChunk = msgsPerWord * wordsPerChnk // 65,536 messages, 16 KiB
)

type chunk [wordsPerChnk]atomic.Uint32

// Tracker is safe for concurrent use: Acked by producers, Delivered by
// consumers. The zero value is not usable; call New.
type Tracker struct {
	producers []producer
	acked     atomic.Int64 // OK outcomes
	matched   atomic.Int64 // OK and delivered
	firsts    atomic.Int64 // distinct messages delivered (any outcome)
}

type producer struct {
	mu     sync.Mutex // serialises growth
	chunks atomic.Pointer[[]*chunk]
}

// New returns a tracker for n producers.
func New(n int) *Tracker {
	return &Tracker{producers: make([]producer, n)}
}

// Reserve makes room for seq of producer p; the producer calls it before
// sending seq so that consumers never have to allocate.
func (t *Tracker) Reserve(p int, seq uint64) {
	pr := &t.producers[p]
	idx := int(seq / msgsPerChunk)
	if cs := pr.chunks.Load(); cs != nil && idx < len(*cs) {
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var cur []*chunk
	if cs := pr.chunks.Load(); cs != nil {
		cur = *cs
	}
	if idx < len(cur) {
		return
	}
	next := make([]*chunk, idx+1, 2*(idx+1))
	copy(next, cur)
	for i := len(cur); i <= idx; i++ {
		next[i] = new(chunk)
	}
	pr.chunks.Store(&next)
}

func (t *Tracker) word(p uint32, seq uint64) (*atomic.Uint32, uint32) {
	if int(p) >= len(t.producers) {
		return nil, 0
	}
	cs := t.producers[p].chunks.Load()
	idx := seq / msgsPerChunk
	if cs == nil || idx >= uint64(len(*cs)) {
		return nil, 0
	}
	in := seq % msgsPerChunk
	return &(*cs)[idx][in/msgsPerWord], uint32(in%msgsPerWord) * 2
}

// Acked records an OK outcome of (p, seq).
func (t *Tracker) Acked(p uint32, seq uint64) {
	w, sh := t.word(p, seq)
	if w == nil {
		return
	}
	t.acked.Add(1)
	old := w.Or(1 << sh)
	if old&(2<<sh) != 0 && old&(1<<sh) == 0 {
		t.matched.Add(1)
	}
}

// Delivered records a delivery of (p, seq) and reports whether it was the
// first. Unknown producers or sequence numbers are ignored (false).
func (t *Tracker) Delivered(p uint32, seq uint64) bool {
	w, sh := t.word(p, seq)
	if w == nil {
		return false
	}
	old := w.Or(2 << sh)
	if old&(2<<sh) != 0 {
		return false
	}
	t.firsts.Add(1)
	if old&(1<<sh) != 0 {
		t.matched.Add(1)
	}
	return true
}

// Counts returns the number of OK outcomes, the number of those delivered,
// and the number of distinct messages delivered.
func (t *Tracker) Counts() (acked, ackedDelivered, distinct int64) {
	return t.acked.Load(), t.matched.Load(), t.firsts.Load()
}

// Complete reports whether every acked message has been delivered.
func (t *Tracker) Complete() bool {
	return t.matched.Load() == t.acked.Load()
}
