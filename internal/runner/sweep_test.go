package runner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

// TestCheckerAgainstReferenceOnRealRuns runs seeded random workloads (every
// send mode, 1–3 producers and consumers, keyed or not, random
// injections) on the in-memory broker and compares the fast checker's
// verdicts and counts with the brute-force reference checker over the op
// logs the run actually wrote: zero false positives and zero false
// negatives on real histories, where async windows make some held-back
// messages reorders and others not. For drops, duplicates and allowed
// redeliveries — whose count does not depend on timing — the counts must
// also equal what the broker injected.
func TestCheckerAgainstReferenceOnRealRuns(t *testing.T) {
	reg := registry.Default()
	runs := 8
	if testing.Short() {
		runs = 3
	}
	modes := []string{"sync", "async", "oneway"}
	for seed := 1; seed <= runs; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 99))
		drop, dup, redel, reorder, corrupt := rng.IntN(4), rng.IntN(4), rng.IntN(4), rng.IntN(5), rng.IntN(3)
		keys := []string{"none", "{count: 5}", "{count: 7, pick: random}"}[rng.IntN(3)]
		sets := []string{
			"workload.mode=" + modes[(seed-1)%3],
			fmt.Sprintf("workload.producers=%d", 1+rng.IntN(3)),
			fmt.Sprintf("workload.consumers=%d", 1+rng.IntN(3)),
			"workload.keys=" + keys,
			"workload.window=8",
			"workload.rate=3000", "workload.duration=600ms", "workload.drain_quiet=400ms",
			"destinations.0.partitions=3",
			fmt.Sprintf("driver.options.inject.seed=%d", seed),
			fmt.Sprintf("driver.options.inject.drop=%d", drop),
			fmt.Sprintf("driver.options.inject.duplicate=%d", dup),
			fmt.Sprintf("driver.options.inject.redeliver=%d", redel),
			fmt.Sprintf("driver.options.inject.reorder=%d", reorder),
			fmt.Sprintf("driver.options.inject.corrupt=%d", corrupt),
			"driver.options.inject.from=20", "driver.options.inject.to=1020",
			"expect={}",
		}
		src, _ := scenarios.BundledSource("selftest")
		sc := load(t, reg, string(src), sets...)
		res := runIt(t, context.Background(), reg, sc)
		s := res.Summary
		h, err := checkertest.ReadDir(res.Dir, string(s.Drain.End))
		if err != nil {
			t.Fatal(err)
		}
		ref := checkertest.Reference(h)
		where := fmt.Sprintf("seed %d %v", seed, sets[:4])
		t.Logf("%s: lost %d dup %d redelivered %d reorder %d unexpected %d (injected reorder %d)", where,
			s.Checks["lost"].Count, s.Checks["duplicate"].Count, s.Checks["redelivered"].Count, s.Checks["reorder"].Count, s.Checks["unexpected"].Count, reorder)
		for _, name := range checker.Names() {
			got, want := s.Checks[name], ref.Checks[name]
			if got.Count != want.Count || got.Verdict != want.Verdict {
				t.Errorf("%s: %s = %d %s, reference %d %s", where, name, got.Count, got.Verdict, want.Count, want.Verdict)
			}
		}
		for name, n := range map[string]int{"lost": drop + corrupt, "duplicate": dup, "redelivered": redel, "unexpected": corrupt} {
			if name == "lost" && s.Workload.Mode == "oneway" {
				continue // oneway outcomes are unknown: a dropped message is never "lost"
			}
			if s.Checks[name].Count != int64(n) {
				t.Errorf("%s: %s = %d, injected %d", where, name, s.Checks[name].Count, n)
			}
		}
	}
}
