package reports

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// comparisonDirs makes four runs: two repeats of one scenario on a
// stand-in, one at another rate, and one that crashed.
func comparisonDirs(t *testing.T) []string {
	t.Helper()
	base := t.TempDir()
	a := fixtureRun{scenario: "quickstart", runID: "20261121T000001Z", seconds: 8, warmup: 2, rate: 200, standIn: "in-process test double"}
	b := a
	b.runID, b.latency = "20261121T000002Z", 1.5
	c := a
	c.runID, c.rate = "20261121T000003Z", 400
	d := a
	d.runID, d.noSummary = "20261121T000004Z", true
	var dirs []string
	for _, f := range []fixtureRun{a, b, c, d} {
		dirs = append(dirs, writeFixture(t, filepath.Join(base, f.runID), f))
	}
	return dirs
}

func TestCompareTextGolden(t *testing.T) {
	dirs := comparisonDirs(t)
	c, err := Compare(dirs)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.Text(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.golden", []byte(normalise(b.String(), dirs...)))
}

func TestCompareHTMLGolden(t *testing.T) {
	dirs := comparisonDirs(t)
	c, err := Compare(dirs)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := c.renderHTML(&b, goldenOptions); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.html.golden", []byte(normalise(b.String(), dirs...)))
}

func TestCompareFlagsDifferencesAndSpreadsRepeats(t *testing.T) {
	c, err := Compare(comparisonDirs(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Diffs) != 1 || c.Diffs[0].Field != "rate" || strings.Join(c.Diffs[0].Values, " ") != "200 200 400 ?" {
		t.Fatalf("diffs %+v, want rate only", c.Diffs)
	}
	if got := c.Runs[2].DiffFields; len(got) != 1 || got[0] != "rate" {
		t.Errorf("run 3 differs in %v, want [rate]", got)
	}
	if len(c.Groups) != 1 || runList(c.Groups[0].Runs) != "#1, #2" {
		t.Fatalf("groups %+v, want one of #1, #2", c.Groups)
	}
	if !strings.Contains(c.Groups[0].Label, "[STAND-IN]") {
		t.Errorf("a stand-in group is not labelled: %q", c.Groups[0].Label)
	}
	var text bytes.Buffer
	if err := c.Text(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[STAND-IN]", "WORKLOAD SETTINGS DIFFER", "INCOMPLETE", "spread over repeated runs"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("comparison text lacks %q:\n%s", want, text.String())
		}
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{[]float64{1}, 1}, {[]float64{1, 3}, 2}, {[]float64{1, 2, 10}, 2}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
