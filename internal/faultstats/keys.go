package faultstats

import (
	"slices"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// keyTally collects, per fault, the distinct keys of keyed sends that
// failed or ended unknown while the fault was active (by the time the
// outcome was known, Send.Done, in the fault's Windows interval). Not safe
// for concurrent use.
type keyTally struct {
	wins []checker.Window
	sets []map[uint32]struct{}
}

func newKeyTally(recs []faults.Record, sendEnd float64) *keyTally {
	return &keyTally{wins: Windows(recs, sendEnd), sets: make([]map[uint32]struct{}, len(recs))}
}

// add counts s if it is a keyed send that did not succeed.
func (k *keyTally) add(s *oplog.Send) {
	if s.Outcome == oplog.OK || s.Flags&oplog.FlagKeyed == 0 {
		return
	}
	for i, w := range k.wins {
		if s.Done >= w.Start && s.Done < w.End {
			if k.sets[i] == nil {
				k.sets[i] = map[uint32]struct{}{}
			}
			k.sets[i][s.Key] = struct{}{}
		}
	}
}

// result returns fault i's count of affected keys and the names of the
// first summary.MaxKeysListed by key id.
func (k *keyTally) result(i int) (int, []string) {
	set := k.sets[i]
	if len(set) == 0 {
		return 0, nil
	}
	ids := make([]uint32, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	names := make([]string, 0, min(len(ids), summary.MaxKeysListed))
	for _, id := range ids[:cap(names)] {
		names = append(names, summary.KeyName(id))
	}
	return len(ids), names
}
