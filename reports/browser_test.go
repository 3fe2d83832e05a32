package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/internal/runner"
	"github.com/brokerbench/brokerbench/scenarios"
)

// chromiumPath is Debian's chromium, installed by .ci/install-chromium.sh.
const chromiumPath = "/usr/bin/chromium"

// browserTimeout bounds the whole browser session of a test.
const browserTimeout = 90 * time.Second

// needChromium skips without chromium, except in CI (CI=true), where a
// missing browser must fail the test rather than hide it.
func needChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no browser at %s (.ci/install-chromium.sh installs it): %v", chromiumPath, err)
		}
		t.Skipf("no browser at %s (apt-get install chromium): %v", chromiumPath, err)
	}
}

// newBrowser starts headless chromium, quiet on the network, for at most
// browserTimeout.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
	)
	limit, cancelLimit := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(limit, opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc(); cancelLimit() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return ctx
}

// pageProblems collects what a page must never do.
type pageProblems struct {
	mu       sync.Mutex
	errors   []string // console errors, exceptions, error log entries
	requests []string // any request that is not file: or data:
}

func (p *pageProblems) listen(ev any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch e := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var args []string
			for _, a := range e.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			p.errors = append(p.errors, "console.error: "+strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		p.errors = append(p.errors, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber, d.ColumnNumber, msg))
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError {
			p.errors = append(p.errors, "log: "+e.Entry.Text+" "+e.Entry.URL)
		}
	case *network.EventRequestWillBeSent:
		if u := e.Request.URL; !strings.HasPrefix(u, "file:") && !strings.HasPrefix(u, "data:") {
			p.requests = append(p.requests, u)
		}
	}
}

// canvasesJS reports, per canvas of the page, whether it has a pixel
// that is not fully transparent.
const canvasesJS = `Array.from(document.querySelectorAll("canvas")).map(function (c) {
  var d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  for (var i = 3; i < d.length; i += 4) if (d[i] !== 0) return true;
  return false;
})`

// checkPage opens path in a new tab and asserts: no console error, no
// request off file:/data:, wantCharts charts drawn, each canvas non-empty.
// It saves a full-page screenshot as png next to the page.
func checkPage(t *testing.T, browser context.Context, path, png string, wantCharts int) {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	var probs pageProblems
	if err := chromedp.Listen(tab, probs.listen); err != nil {
		t.Fatal(err)
	}
	ctx, cancelT := context.WithTimeout(tab, 60*time.Second)
	defer cancelT()
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+path)); err != nil {
		t.Fatalf("opening %s: %v", path, err)
	}
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.getAttribute("data-charts") || ""`))
	if err != nil {
		t.Fatal(err)
	}
	drawn, err := chromedp.Run(ctx, chromedp.Evaluate[[]bool](canvasesJS))
	if err != nil {
		t.Fatal(err)
	}
	loadMs, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.getEntriesByType("navigation")[0].loadEventEnd`))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: %d charts, loaded in %.0f ms, screenshot %s (%d KB)", filepath.Base(path), len(drawn), loadMs, png, len(shot)>>10)
	probs.mu.Lock()
	defer probs.mu.Unlock()
	for _, e := range probs.errors {
		t.Errorf("%s: %s", filepath.Base(path), e)
	}
	for _, u := range probs.requests {
		t.Errorf("%s: request to %s (only file: and data: are allowed)", filepath.Base(path), u)
	}
	if charts != fmt.Sprint(wantCharts) || len(drawn) != wantCharts {
		t.Errorf("%s: script made %q charts, %d canvases; want %d", filepath.Base(path), charts, len(drawn), wantCharts)
	}
	for i, ok := range drawn {
		if !ok {
			t.Errorf("%s: canvas %d is empty", filepath.Base(path), i)
		}
	}
}

// realRun runs the bundled quickstart scenario (in-memory broker) for 2 s.
func realRun(t *testing.T) string {
	t.Helper()
	reg := registry.Default()
	sc, err := scenarios.Open("quickstart", reg, []string{"workload.duration=2s", "workload.warmup=500ms"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	res, err := runner.Run(ctx, sc, runner.Options{ResultsDir: t.TempDir(), Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	return res.Dir
}

// TestBrowserOpensReports opens the reports of a real run, of a run with
// faults, of a crashed run, of a run with workload phases and of a
// broadcasting run, and a comparison of them, in chromium.
func TestBrowserOpensReports(t *testing.T) {
	needChromium(t)
	start := time.Now()
	real := realRun(t)
	faulty := writeFixture(t, filepath.Join(t.TempDir(), "faulty"), faultyRun())
	crashedRun := faultyRun()
	crashedRun.noSummary, crashedRun.seconds = true, 11
	crashed := writeFixture(t, filepath.Join(t.TempDir(), "crashed"), crashedRun)
	long := sharedLongRun(t)
	phased := writeFixture(t, filepath.Join(t.TempDir(), "phased"), phasedRun())
	bcast := writeFixture(t, filepath.Join(t.TempDir(), "broadcast"), broadcastRun())
	t.Logf("runs made in %s", time.Since(start).Round(time.Millisecond))

	browser := newBrowser(t)
	for _, c := range []struct {
		dir    string
		charts int // 5 time charts + spectra (1, plus 3 with faults)
	}{{real, 6}, {faulty, 9}, {crashed, 9}, {long, 9}, {phased, 6}, {bcast, 6}} {
		path, err := WriteHTML(c.dir)
		if err != nil {
			t.Fatal(err)
		}
		checkPage(t, browser, path, filepath.Join(c.dir, "report.png"), c.charts)
	}
	cmp, err := Compare([]string{real, faulty, crashed})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := cmp.HTML(&b); err != nil {
		t.Fatal(err)
	}
	cmpPath := filepath.Join(real, "compare.html")
	if err := os.WriteFile(cmpPath, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	checkPage(t, browser, cmpPath, filepath.Join(real, "compare.png"), 3)
	if dir := os.Getenv("BROKERBENCH_ARTIFACTS"); dir != "" {
		keepArtifacts(t, dir, real, faulty, crashed, long, phased)
	}
	t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond))
}

// keepArtifacts copies the pages and screenshots to dir (CI artifacts; the
// run directories are temporary).
func keepArtifacts(t *testing.T, dir string, runs ...string) {
	t.Helper()
	for i, run := range runs {
		for _, name := range []string{"report.html", "report.png", "compare.html", "compare.png"} {
			b, err := os.ReadFile(filepath.Join(run, name))
			if err != nil {
				continue
			}
			must(t, os.MkdirAll(dir, 0o755), os.WriteFile(filepath.Join(dir, fmt.Sprintf("run%d-%s", i+1, name)), b, 0o644))
		}
	}
}
