package checker

import (
	"fmt"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// A message's state is one nibble: the send outcome in bits 0-1 (0: no send
// record, else oplog.OK / Failed / Unknown), whether it was delivered, and
// whether a consumer's ack of it failed.
const (
	nibOutcome   uint8 = 0x3
	nibDelivered uint8 = 0x4
	nibAckFailed uint8 = 0x8
)

// Pages of the nibble array: 1<<16 messages (32 KiB) each, allocated on the
// first send in their range, so the array never needs a copying grow.
const (
	pageShift = 16
	pageSeqs  = 1 << pageShift
	pageBytes = pageSeqs / 2
)

// maxSeq bounds the sequence numbers accepted from a send log: beyond it a
// record is taken for corruption rather than allocating a huge directory.
const maxSeq = 1 << 40

// nibbles holds one nibble per sequence number of a producer. It is not
// safe for concurrent use.
type nibbles struct {
	pages [][]byte
	limit uint64 // one past the highest seq set
}

// get returns the nibble of seq; 0 for a seq never set.
func (a *nibbles) get(seq uint64) uint8 {
	p := seq >> pageShift
	if p >= uint64(len(a.pages)) || a.pages[p] == nil {
		return 0
	}
	b := a.pages[p][(seq&(pageSeqs-1))>>1]
	return (b >> ((seq & 1) << 2)) & 0xF
}

// or sets bits of the nibble of seq, which must already hold an outcome
// (or be set by setOutcome).
func (a *nibbles) or(seq uint64, bits uint8) {
	a.pages[seq>>pageShift][(seq&(pageSeqs-1))>>1] |= bits << ((seq & 1) << 2)
}

// setOutcome records the outcome of seq, allocating its page. It reports
// false for a seq that already has one (a second send record).
func (a *nibbles) setOutcome(seq uint64, o oplog.Outcome) (bool, error) {
	if seq >= maxSeq {
		return false, fmt.Errorf("implausible seq %d", seq)
	}
	p := seq >> pageShift
	for uint64(len(a.pages)) <= p {
		a.pages = append(a.pages, nil)
	}
	if a.pages[p] == nil {
		a.pages[p] = make([]byte, pageBytes)
	}
	if a.get(seq)&nibOutcome != 0 {
		return false, nil
	}
	a.or(seq, uint8(o)&nibOutcome)
	a.limit = max(a.limit, seq+1)
	return true, nil
}
