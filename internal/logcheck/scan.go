package logcheck

import (
	"fmt"
	"sort"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/oplog"
)

// Tally indexes, in Names order.
const (
	idxOffsetTwoValues = iota
	idxValueTwoOffsets
	idxPollSkip
	idxNonMonotonic
	numChecks
)

// place is a (partition, offset).
type place struct {
	partition int32
	offset    int64
}

// value is a message identity.
type value struct {
	producer uint32
	seq      uint64
}

// atOffset is the first message seen at a place.
type atOffset struct {
	v        value
	known    bool // v is valid (not an unexpected delivery)
	time     int64
	reported bool // offset_two_values already counted here
}

// atValue is the first place a message was seen at.
type atValue struct {
	p        place
	time     int64
	reported bool
}

// position is one consumer's last delivery of one partition.
type position struct {
	offset int64
	time   int64
}

// consumerState is one consumer's positions, by partition.
type consumerState struct {
	id  uint32
	pos map[int32]position
}

// jump is a poll that skipped offsets (from, to], resolved at the end.
type jump struct {
	consumer  uint32
	partition int32
	from, to  int64 // last offset before, offset after
	t0, t1    int64 // times of the two deliveries
}

// scan is the state of one Check.
type scan struct {
	windows    []Window // sorted by From
	byOffset   map[place]atOffset
	byValue    map[value]atValue
	jumps      []jump
	deliveries int64
	truncated  bool
	tallies    [numChecks]tally
}

func newScan(rebalances []Window) *scan {
	ws := append([]Window(nil), rebalances...)
	sort.Slice(ws, func(i, j int) bool { return ws[i].From < ws[j].From })
	return &scan{windows: ws, byOffset: map[place]atOffset{}, byValue: map[value]atValue{}}
}

func (s *scan) consumer(id uint32) *consumerState {
	return &consumerState{id: id, pos: map[int32]position{}}
}

// delivery takes one record of consumer c, in the consumer's time order.
func (s *scan) delivery(c *consumerState, d *oplog.Delivery) {
	if d.Kind == oplog.KindAckFailed || d.Partition < 0 || d.Offset < 0 {
		return
	}
	s.deliveries++
	here := place{d.Partition, d.Offset}
	known := d.Kind == oplog.KindDelivery
	v := value{d.Producer, d.Seq}
	s.position(c, d)
	at, seen := s.byOffset[here]
	switch {
	case !seen:
		s.byOffset[here] = atOffset{v: v, known: known, time: d.Time}
	case known && at.known && at.v != v && !at.reported:
		at.reported = true
		s.byOffset[here] = at
		if s.tallies[idxOffsetTwoValues].hit("") {
			s.example(idxOffsetTwoValues, max(d.Time, at.time), v, here,
				fmt.Sprintf("consumer %d got it where %d/%d was delivered before", c.id, at.v.producer, at.v.seq))
		}
	case known && !at.known:
		at.v, at.known = v, true
		s.byOffset[here] = at
	}
	if known {
		s.value(c, d, v, here)
	}
}

// value records where a message was seen and reports a second place.
func (s *scan) value(c *consumerState, d *oplog.Delivery, v value, here place) {
	first, seen := s.byValue[v]
	if !seen {
		s.byValue[v] = atValue{p: here, time: d.Time}
		return
	}
	if first.p == here || first.reported {
		return
	}
	first.reported = true
	s.byValue[v] = first
	k := DetailOtherPartition
	if first.p.partition == here.partition {
		k = DetailSamePartition
	}
	if s.tallies[idxValueTwoOffsets].hit(k) {
		s.example(idxValueTwoOffsets, max(d.Time, first.time), v, here,
			fmt.Sprintf("consumer %d got it here, delivered before at %d@%d", c.id, first.p.partition, first.p.offset))
	}
}

// position checks a consumer's step on a partition.
func (s *scan) position(c *consumerState, d *oplog.Delivery) {
	last, ok := c.pos[d.Partition]
	c.pos[d.Partition] = position{d.Offset, d.Time}
	switch {
	case !ok:
	case d.Offset <= last.offset:
		if s.inRebalance(last.time, d.Time) {
			s.tallies[idxNonMonotonic].note(DetailExcusedByRebalance)
			return
		}
		if s.tallies[idxNonMonotonic].hit("") {
			s.example(idxNonMonotonic, d.Time, value{d.Producer, d.Seq}, place{d.Partition, d.Offset},
				fmt.Sprintf("consumer %d went from offset %d to %d", c.id, last.offset, d.Offset))
		}
	case d.Offset > last.offset+1:
		s.jumps = append(s.jumps, jump{consumer: c.id, partition: d.Partition,
			from: last.offset, to: d.Offset, t0: last.time, t1: d.Time})
	}
}

// inRebalance reports whether some window overlaps [t0, t1].
func (s *scan) inRebalance(t0, t1 int64) bool {
	// Windows are sorted by From; only those starting by t1 can overlap.
	n := sort.Search(len(s.windows), func(i int) bool { return s.windows[i].From > t1 })
	for _, w := range s.windows[:n] {
		if w.To >= t0 {
			return true
		}
	}
	return false
}

// example keeps an example of check i.
func (s *scan) example(i int, t int64, v value, p place, detail string) {
	e := checker.Example{TimeNs: t, Producer: v.producer, Seq: v.seq, Partition: p.partition, Offset: p.offset, Detail: detail}
	s.tallies[i].examples = append(s.tallies[i].examples, e)
}
