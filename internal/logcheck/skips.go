package logcheck

import (
	"fmt"
	"slices"
)

// resolveSkips counts the jumps whose skipped offsets were not all
// delivered to some consumer, using each partition's sorted delivered
// offsets (built here, then dropped).
func (s *scan) resolveSkips() {
	if len(s.jumps) == 0 {
		return
	}
	delivered := map[int32][]int64{}
	for p := range s.byOffset {
		delivered[p.partition] = append(delivered[p.partition], p.offset)
	}
	for _, offs := range delivered {
		slices.Sort(offs)
	}
	t := &s.tallies[idxPollSkip]
	for _, j := range s.jumps {
		offs := delivered[j.partition]
		lo, hi := j.from+1, j.to-1
		i, _ := slices.BinarySearch(offs, lo)
		k, _ := slices.BinarySearch(offs, hi+1)
		missing := (hi - lo + 1) - int64(k-i)
		if missing <= 0 {
			continue
		}
		detail := DetailOutsideRebalance
		if s.inRebalance(j.t0, j.t1) {
			detail = DetailInRebalance
		}
		if t.hit(detail) {
			s.example(idxPollSkip, j.t1, value{}, place{j.partition, firstMissing(offs[i:k], lo)},
				fmt.Sprintf("consumer %d went from offset %d to %d; %d skipped offsets never delivered", j.consumer, j.from, j.to, missing))
		}
	}
}

// firstMissing returns the first offset from lo on that is not in offs
// (sorted, distinct, all >= lo).
func firstMissing(offs []int64, lo int64) int64 {
	for _, o := range offs {
		if o != lo {
			break
		}
		lo++
	}
	return lo
}
