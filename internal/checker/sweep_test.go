package checker_test

import (
	"flag"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/checker/checkertest"
)

// sweepSeeds is the number of random histories of TestSweep; raise it
// with go test -run TestSweep -args -sweep=100000.
var sweepSeeds = flag.Uint64("sweep", 500, "random histories in TestSweep")

// TestSweep compares the fast checker with the brute-force reference on
// random histories: no false positive, no false negative, on any check.
// Every fifth history also goes through op-log files and CheckDir; every
// 25th is longer.
// Rerun one seed with -run 'TestSweep/seed=N'.
func TestSweep(t *testing.T) {
	anomalies := map[string]int64{}
	for seed := uint64(1); seed <= *sweepSeeds; seed++ {
		t.Run("seed="+strconv.FormatUint(seed, 10), func(t *testing.T) {
			h, cfg := checkertest.GenerateRandom(seed)
			if seed%25 == 0 { // some longer histories
				cfg.Messages = 100 + 5*cfg.Messages
				h = checkertest.Generate(seed, cfg)
			}
			ref := checkertest.Reference(h)
			maxEx := int(seed % 4)
			res := runHistory(t, h, maxEx)
			if maxEx == 0 {
				maxEx = checker.DefaultMaxExamples
			}
			for _, d := range diff(res, ref, maxEx) {
				t.Errorf("seed %d: %s", seed, d)
			}
			if seed%5 == 0 {
				dir := t.TempDir()
				if err := h.WriteDir(dir); err != nil {
					t.Fatal(err)
				}
				fres, err := checker.CheckDir(dir, checker.Options{DrainEnd: checker.DrainEnd(h.DrainEnd), MaxExamples: maxEx})
				if err != nil {
					t.Fatalf("seed %d: CheckDir: %v", seed, err)
				}
				for _, d := range diff(fres, ref, maxEx) {
					t.Errorf("seed %d (files in %s): %s", seed, filepath.Base(dir), d)
				}
			}
			if t.Failed() {
				t.Logf("seed %d config %+v\n%s", seed, cfg, describe(h))
			}
			for name, c := range ref.Checks {
				anomalies[name] += c.Count
			}
		})
	}
	// The sweep is only worth something if every check fired somewhere.
	for _, name := range checker.Names() {
		if anomalies[name] == 0 {
			t.Errorf("no history of the sweep had a %s anomaly", name)
		}
	}
	t.Logf("anomalies over the sweep: %v", anomalies)
}
