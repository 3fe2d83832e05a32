package checker

import (
	"fmt"
	"slices"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// placeNames are the detail keys of lost and unseen messages.
var placeNames = [3]string{"prefix", "middle", "postfix"}

// placeIndex is the index in placeNames of a missing seq of p.
func (p *producer) placeIndex(seq uint64) int {
	switch {
	case seq < p.minDel: // also: nothing delivered at all
		return 0
	case seq > p.maxDel:
		return 2
	}
	return 1
}

// missingCheck is the check that acked, never delivered messages count
// under: lost once the drain settled on a whole history, unseen otherwise.
func (r *run) missingCheck() int {
	if r.opts.DrainEnd.settled() && !r.truncated {
		return idxLost
	}
	return idxUnseen
}

// scanMissing counts the acked messages never delivered, per producer and
// by place, scanning the nibble arrays. Without consumers nothing could be
// delivered, so nothing is counted (lost and unseen are unknown).
func (r *run) scanMissing() {
	if r.opts.Consumers == 0 {
		return
	}
	var places [3]int64
	for _, p := range r.producers {
		for pg, page := range p.nib.pages {
			base := uint64(pg) << pageShift
			for j, b := range page {
				if b == 0 {
					continue
				}
				for h := uint64(0); h < 2; h++ {
					nib := b >> (h << 2)
					if nib&(nibOutcome|nibDelivered) == uint8(oplog.OK) {
						p.missing++
						places[p.placeIndex(base+uint64(j)<<1+h)]++
					}
				}
			}
		}
	}
	t := &r.tallies[r.missingCheck()]
	for i, n := range places {
		t.count += n
		if n > 0 {
			if t.detail == nil {
				t.detail = map[string]int64{}
			}
			t.detail[placeNames[i]] = n
		}
	}
}

// missingExamples is the third pass: it reads the send logs of producers
// with missing messages up to their first MaxExamples missing ones (all of
// them when Options.Windows asks to place each by its ack time) and keeps
// the earliest acks overall.
func (r *run) missingExamples() error {
	i := r.missingCheck()
	if r.tallies[i].count == 0 || (r.opts.MaxExamples == 0 && len(r.opts.Windows) == 0) {
		return nil
	}
	var ex []Example
	for _, p := range r.producers {
		if p.missing == 0 {
			continue
		}
		pex, err := r.producerMissing(p, i == idxLost)
		if err != nil {
			return err
		}
		ex = append(ex, pex...)
	}
	slices.SortStableFunc(ex, func(a, b Example) int {
		return int(min(max(a.TimeNs-b.TimeNs, -1), 1))
	})
	r.tallies[i].examples = ex[:min(len(ex), r.opts.MaxExamples)]
	return nil
}

// producerMissing returns up to MaxExamples missing messages of p, in
// file (ack) order.
func (r *run) producerMissing(p *producer, lost bool) (ex []Example, err error) {
	src, err := openSends(p)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := closeSource(src); err == nil && cerr != nil {
			err = fmt.Errorf("producer %d: %w", p.id, cerr)
		}
	}()
	what := "acked, not delivered by the end of the drain"
	if lost {
		what = "acked, never delivered"
	}
	var s oplog.Send
	windows := len(r.opts.Windows) > 0 // then every missing message is read, to place it
	for len(ex) < r.opts.MaxExamples || windows {
		done, _, err := readErr(src.Read(&s))
		if err != nil {
			return nil, fmt.Errorf("producer %d: %w", p.id, err)
		}
		if done {
			break
		}
		if s.Outcome != oplog.OK || p.delivered(s.Seq) {
			continue
		}
		if windows {
			r.window(&r.tallies[r.missingCheck()], s.Done)
		}
		if len(ex) >= r.opts.MaxExamples {
			continue
		}
		e := Example{TimeNs: s.Done, Producer: p.id, Seq: s.Seq, Partition: s.Partition,
			Offset: s.Offset, Detail: what + " (" + placeNames[p.placeIndex(s.Seq)] + ")"}
		if s.Flags&oplog.FlagKeyed != 0 {
			k := s.Key
			e.Key = &k
		}
		ex = append(ex, e)
	}
	return ex, nil
}
