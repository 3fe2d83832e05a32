package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
)

// goldenOptions render golden pages: no inlined assets, a fixed
// "generated" time and version.
var goldenOptions = htmlOptions{stubAssets: true, now: time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC), version: "test"}

// faultyRun is a 20 s run with two faults, a stand-in broker and lost
// messages during the first fault.
func faultyRun() fixtureRun {
	return fixtureRun{
		scenario: "failover", runID: "20261121T071502Z", seconds: 20, warmup: 2, rate: 200,
		faults: []faults.Record{
			{Index: 0, Kind: "kill", Target: "leader-of events/0", Node: "broker-2", Spec: "kill leader-of events/0 at 6s for 3s", Start: 6, End: 9},
			{Index: 1, Kind: "pause", Target: "broker-1", Node: "broker-1", Spec: "pause broker-1 at 13s for 2s", Start: 13, End: 15},
		},
		standIn: "in-process test double",
	}
}

// renderGolden renders the report of a fixture with stubbed assets and the
// run directory replaced by RUN_DIR.
func renderGolden(t *testing.T, f fixtureRun) string {
	t.Helper()
	dir := writeFixture(t, filepath.Join(t.TempDir(), "run"), f)
	r, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := renderReport(&b, r, goldenOptions); err != nil {
		t.Fatal(err)
	}
	return normalise(b.String(), dir)
}

// normalise replaces the volatile part of a page, the temporary run
// directories, with RUN_DIR0, RUN_DIR1, ….
func normalise(page string, dirs ...string) string {
	for i, d := range dirs {
		page = strings.ReplaceAll(page, d, "RUN_DIR"+string(rune('0'+i)))
	}
	return page
}

// phasedRun is a 20 s run of three workload phases (sync at 100/s, async
// delayed messages at 200/s, then async at max) without faults; its
// delayed messages came early twice, and the driver counted things.
func phasedRun() fixtureRun {
	return fixtureRun{
		scenario: "modes", runID: "20261121T071502Z", seconds: 20, warmup: 2, rate: 200,
		phases: []fixturePhase{{"sync", "sync", 100, 8, ""}, {"async", "async", 200, 14, "delayed"}, {"burst", "async", 0, 19, ""}},
		delayed: &checker.Delayed{Delivered: 1200, Early: 2, EarliestByMs: 312.5,
			LatenessMs: checker.Lateness{Count: 1198, P50: 1.25, P90: 3.5, P99: 12, P999: 40.125, Max: 51},
			Examples:   []checker.Example{{TimeNs: 9_250_000_000, Producer: 1, Seq: 17, Partition: 0, Offset: -1, Detail: "delivered 312.5ms before its intended send time + delay 1s"}},
		},
		counters: map[string]int64{"inject_early": 2, "delayed_messages": 1200},
	}
}

func TestHTMLGolden(t *testing.T) {
	crashed := faultyRun()
	crashed.noSummary, crashed.faults, crashed.seconds = true, nil, 6
	interrupted := faultyRun()
	interrupted.interrupted, interrupted.standIn = true, ""
	plain := faultyRun()
	plain.faults, plain.standIn = nil, ""
	for name, f := range map[string]fixtureRun{
		"report-faults.html.golden": faultyRun(), "report-crashed.html.golden": crashed,
		"report-interrupted.html.golden": interrupted, "report-plain.html.golden": plain,
		"report-phases.html.golden": phasedRun(), "report-broadcast.html.golden": broadcastRun(),
	} {
		t.Run(name, func(t *testing.T) { golden(t, name, []byte(renderGolden(t, f))) })
	}
}

// broadcastRun is the plain run with two broadcasting consumers.
func broadcastRun() fixtureRun {
	f := faultyRun()
	f.faults, f.standIn, f.subscribers = nil, "", broadcastSubscribers()
	return f
}

// TestHTMLShowsSubscribers: a broadcasting run has the per-subscriber
// table (only the checks some subscriber counted in) and says so on the
// workload line; a group run has neither.
func TestHTMLShowsSubscribers(t *testing.T) {
	page := renderGolden(t, broadcastRun())
	for _, want := range []string{`id="subscribers"`, `<th class="num">lost</th><th class="num">duplicate</th></tr>`,
		`<td class="num">1</td><td class="num">2998</td><td class="num">2998</td><td class="num v-invalid">2</td><td class="num v-valid">0</td>`,
		"(broadcasting: each gets every message)"} {
		if !strings.Contains(page, want) {
			t.Errorf("broadcast page lacks %q", want)
		}
	}
	if page := renderGolden(t, faultyRun()); strings.Contains(page, `id="subscribers"`) || strings.Contains(page, "broadcasting") {
		t.Error("a group run shows subscribers")
	}
}

func TestHTMLSaysIncomplete(t *testing.T) {
	crashed := faultyRun()
	crashed.noSummary = true
	page := renderGolden(t, crashed)
	for _, want := range []string{`id="incomplete"`, "INCOMPLETE RUN", "did not finish", "STAND-IN BROKER", `id="time-charts"`} {
		if !strings.Contains(page, want) {
			t.Errorf("crashed run's page lacks %q", want)
		}
	}
	interrupted := faultyRun()
	interrupted.interrupted = true
	if page := renderGolden(t, interrupted); !strings.Contains(page, "interrupted") || !strings.Contains(page, "INCOMPLETE RUN") {
		t.Error("an interrupted run's page does not say so")
	}
	if page := renderGolden(t, fixtureRun{scenario: "x", runID: "y", seconds: 3, warmup: 1, rate: 10}); strings.Contains(page, "INCOMPLETE") {
		t.Error("a complete run is called incomplete")
	}
}

// TestHTMLDataCannotEndScript: text from the run (a fault target here)
// cannot close the data element or inject markup.
func TestHTMLDataCannotEndScript(t *testing.T) {
	f := faultyRun()
	f.faults[0].Node = `</script><script>alert(1)</script>`
	page := renderGolden(t, f)
	if strings.Contains(page, "<script>alert(1)") {
		t.Fatal("a fault target escaped into the page as markup")
	}
	if n := strings.Count(page, "</script>"); n != 3 {
		t.Fatalf("%d </script> tags, want 3 (data, uPlot, charts)", n)
	}
}

// TestHTMLShowsPhases: a phased run has its phases table and their marks
// in the chart data; a run without phases has neither.
func TestHTMLShowsPhases(t *testing.T) {
	page := renderGolden(t, phasedRun())
	for _, want := range []string{`<section id="phases">`, "<td>sync</td><td>sync</td>", "<td>burst</td><td>async</td><td class=\"num\">max</td>", `"stages":[{"name":"sync"`,
		"<td>async</td><td>async, delayed</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("phased run's page lacks %q", want)
		}
	}
	if page := renderGolden(t, faultyRun()); strings.Contains(page, `id="phases"`) || strings.Contains(page, `"stages"`) {
		t.Error("a run without phases shows phases")
	}
}

// TestHTMLShowsDelayedAndCounters: the delayed section and the driver's
// counters have their tables when the summary has them, and only then.
func TestHTMLShowsDelayedAndCounters(t *testing.T) {
	page := renderGolden(t, phasedRun())
	for _, want := range []string{`id="delayed"`, `<td class="num">1200</td><td class="num">2</td><td class="v-invalid">invalid</td><td class="num">312.50ms</td>`,
		"delivered 312.5ms before", `id="driver-counters"`, "<td><code>delayed_messages</code></td><td class=\"num\">1200</td>",
		"kinds async: delayed"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if page := renderGolden(t, faultyRun()); strings.Contains(page, `id="delayed"`) || strings.Contains(page, `id="driver-counters"`) {
		t.Error("a run without delayed messages or counters shows them")
	}
}

func TestHTMLInlinesAssetsAndNoURLs(t *testing.T) {
	dir := writeFixture(t, filepath.Join(t.TempDir(), "run"), faultyRun())
	path, err := WriteHTML(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{"uPlot (v1.6.32)", "MIT License", "bandsPlugin", ".banner.standin"} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, bad := range []string{"<script src", "href=\"http", "src=\"http", "@import", "url("} {
		if strings.Contains(page, bad) {
			t.Errorf("report refers to an outside resource: %q", bad)
		}
	}
}
