package checker

import (
	"errors"
	"fmt"
	"math"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// ErrOrder reports an op log whose records break the order the checker
// relies on: Done or Next going backwards in a send log, Time going
// backwards in a delivery log.
var ErrOrder = errors.New("op log out of order")

// producer is the state kept per producer for a whole check.
type producer struct {
	id   uint32
	rank int // order added: breaks ties of equal ack times
	open SendOpener
	nib  nibbles
	// lowest and highest delivered seq (with a send record), for the
	// prefix / middle / postfix split of lost and unseen messages.
	minDel, maxDel uint64
	missing        int64 // acked, never delivered (lost or unseen)
}

func newProducer(id uint32, rank int, open SendOpener) *producer {
	return &producer{id: id, rank: rank, open: open, minDel: math.MaxUint64}
}

// delivered reports whether seq has been delivered so far.
func (p *producer) delivered(seq uint64) bool { return p.nib.get(seq)&nibDelivered != 0 }

// noteDelivered widens the delivered seq range.
func (p *producer) noteDelivered(seq uint64) {
	p.minDel = min(p.minDel, seq)
	p.maxDel = max(p.maxDel, seq)
}

// loadOutcomes is the first pass over a send log: it fills the outcome
// nibbles, counts the sends and validates the record order.
func (r *run) loadOutcomes(p *producer) (err error) {
	src, err := openSends(p)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := closeSource(src); err == nil && cerr != nil {
			err = fmt.Errorf("producer %d: %w", p.id, cerr)
		}
	}()
	var s oplog.Send
	prevDone, prevNext := int64(math.MinInt64), uint64(0)
	for n := 0; ; n++ {
		done, trunc, err := readErr(src.Read(&s))
		r.truncated = r.truncated || trunc
		if err != nil {
			return fmt.Errorf("producer %d: %w", p.id, err)
		}
		if done {
			return nil
		}
		if s.Done < prevDone || s.Next < prevNext {
			return fmt.Errorf("producer %d: record %d (seq %d): %w", p.id, n, s.Seq, ErrOrder)
		}
		prevDone, prevNext = s.Done, s.Next
		if err := r.countSend(p, &s); err != nil {
			return fmt.Errorf("producer %d: record %d: %w", p.id, n, err)
		}
	}
}

// countSend records one send's outcome. A second record for the same seq
// (which the recorder never writes) is counted but its outcome ignored.
func (r *run) countSend(p *producer, s *oplog.Send) error {
	switch s.Outcome {
	case oplog.OK:
		r.counts.Acked++
	case oplog.Failed:
		r.counts.Failed++
	case oplog.Unknown:
		r.counts.Unknown++
	default:
		return fmt.Errorf("%w: bad outcome %d", oplog.ErrFormat, s.Outcome)
	}
	r.counts.Sent++
	_, err := p.nib.setOutcome(s.Seq, s.Outcome)
	return err
}

// producerIndex finds a producer by id: a slice when the ids are dense
// enough, else a map.
type producerIndex struct {
	dense  []*producer
	sparse map[uint32]*producer
}

func newProducerIndex(ps []*producer) (producerIndex, error) {
	var x producerIndex
	maxID := uint32(0)
	for _, p := range ps {
		maxID = max(maxID, p.id)
	}
	if int64(maxID) < 1<<16 || int64(maxID) < 4*int64(len(ps)) {
		x.dense = make([]*producer, int(maxID)+1)
	} else {
		x.sparse = make(map[uint32]*producer, len(ps))
	}
	for _, p := range ps {
		if x.get(p.id) != nil {
			return x, fmt.Errorf("checker: producer %d added twice", p.id)
		}
		if x.dense != nil {
			x.dense[p.id] = p
		} else {
			x.sparse[p.id] = p
		}
	}
	return x, nil
}

// get returns the producer with id, or nil.
func (x *producerIndex) get(id uint32) *producer {
	if x.dense != nil {
		if uint64(id) < uint64(len(x.dense)) {
			return x.dense[id]
		}
		return nil
	}
	return x.sparse[id]
}
