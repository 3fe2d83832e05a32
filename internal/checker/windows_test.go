package checker_test

import (
	"math"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
)

// TestWindowsPartitionEveryAnomaly: with two windows that split all of time
// at some instant, every anomaly falls in exactly one of them, so the two
// counts add up to the check's count; one window over all time counts
// everything.
func TestWindowsPartitionEveryAnomaly(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		h, _ := checkertest.GenerateRandom(seed)
		split := int64(seed%7) * 50 // the generator's times are small integers
		wins := []checker.Window{{Start: math.MinInt64, End: split}, {Start: split, End: math.MaxInt64},
			{Start: math.MinInt64, End: math.MaxInt64}}
		res := runHistoryWith(t, h, checker.Options{DrainEnd: checker.DrainEnd(h.DrainEnd), Windows: wins})
		for name, ch := range res.Checks {
			if ch.Count == 0 {
				if len(ch.InWindows) != 0 {
					t.Fatalf("seed %d %s: no anomaly but windows %v", seed, name, ch.InWindows)
				}
				continue
			}
			w := ch.InWindows
			if len(w) != 3 || w[0]+w[1] != ch.Count || w[2] != ch.Count {
				t.Fatalf("seed %d %s: count %d, windows %v", seed, name, ch.Count, w)
			}
		}
	}
}
