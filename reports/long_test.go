package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/faults"
)

// TestHTMLTenMinuteRun keeps the page of a 10-minute run small: 600
// points per series and fixed-size spectra, whatever the message count.
func TestHTMLTenMinuteRun(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 10-minute fixture")
	}
	dir := sharedLongRun(t)
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var b bytes.Buffer
	if err := HTML(&b, r); err != nil {
		t.Fatal(err)
	}
	t.Logf("10-minute run: %d KB page in %s", b.Len()>>10, time.Since(start).Round(time.Millisecond))
	if b.Len() > 600<<10 {
		t.Errorf("page of a 10-minute run is %d KB, want under 600 KB", b.Len()>>10)
	}
}

// longRun is a 10-minute run with one 30 s fault.
func longRun() fixtureRun {
	return fixtureRun{scenario: "long", runID: "20261121T000000Z", seconds: 600, warmup: 10, rate: 300, roughStats: true,
		faults: []faults.Record{{Index: 0, Kind: "kill", Node: "broker-1", Spec: "kill broker-1 at 200s for 30s", Start: 200, End: 230}}}
}

// The long run is made once per test binary (it is slow under -race) in
// a directory TestMain removes.
var (
	longOnce sync.Once
	longDir  string
	longErr  error
	longBase string
)

// sharedLongRun returns the directory of the long run, made on first use.
// Tests must not write into it but for report.html and screenshots.
func sharedLongRun(t *testing.T) string {
	t.Helper()
	longOnce.Do(func() {
		longBase, longErr = os.MkdirTemp("", "brokerbench-reports-")
		if longErr == nil {
			longDir = writeFixture(t, filepath.Join(longBase, "long"), longRun())
		}
	})
	if longErr != nil || longDir == "" {
		t.Fatalf("making the long run: %v", longErr)
	}
	return longDir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if longBase != "" {
		_ = os.RemoveAll(longBase)
	}
	os.Exit(code)
}
