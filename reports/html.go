package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/faultstats"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// HTMLFile is the name of the per-run report inside a run directory.
const HTMLFile = "report.html"

// htmlOptions tune rendering; the zero value is what users get.
type htmlOptions struct {
	stubAssets bool      // leave the scripts and styles out (golden tests)
	now        time.Time // zero: time.Now()
	version    string    // "": summary.HarnessVersion()
}

// HTML writes the self-contained HTML report of r: verdicts first, then
// the broker, cluster and environment, the key numbers as plain tables,
// per-second charts and latency spectra (drawn by the inlined uPlot), and
// the effective scenario. It reads latency.hlog, scenario.yaml and the
// optional faults and cluster from r.Dir. A run without summary.json still
// renders, marked incomplete.
func HTML(w io.Writer, r *Run) error { return renderReport(w, r, htmlOptions{}) }

// WriteHTML loads the run in dir and writes its report to dir/report.html
// (atomically), returning the file's path.
func WriteHTML(dir string) (string, error) {
	r, err := Load(dir)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := HTML(&b, r); err != nil {
		return "", err
	}
	path := filepath.Join(dir, HTMLFile)
	return path, writeFileAtomic(path, b.Bytes())
}

func renderReport(w io.Writer, r *Run, o htmlOptions) error {
	p, err := buildReportPage(r)
	if err != nil {
		return err
	}
	p.Generated = generatedText(o)
	return pageTemplate.ExecuteTemplate(w, "report", pageView{Page: p, Assets: inlineAssets(o.stubAssets)})
}

// pageView is the template's dot: a page and the assets to inline.
type pageView struct {
	Page   any
	Assets pageAssets
}

func buildReportPage(r *Run) (*reportPage, error) {
	yml, err := scenarioText(r.Dir)
	if err != nil {
		return nil, err
	}
	tl := timelineOf(r.Series)
	recs, err := faultRecords(r)
	if err != nil {
		return nil, err
	}
	stats, err := faultStatsOf(r, recs, tl)
	if err != nil {
		return nil, err
	}
	phases := phasesOf(tl, stats)
	sets, err := phaseLatencies(r.Dir, phases)
	if err != nil {
		return nil, err
	}
	p := &reportPage{
		Dir: r.Dir, Incomplete: incompleteReasons(r), Broker: brokerOf(r), Command: commandOf(r),
		Summary: r.Summary, Recorded: recordedOf(r.Series), Checks: checkRows(r.Summary), ScenarioYML: yml,
		Faults: faultRows(stats, r.Summary != nil), Phases: phaseRows(r.Summary), Delayed: delayedOf(r.Summary),
		Subscribers: subscribersOf(r.Summary),
	}
	p.Scenario, p.RunID = titleOf(r)
	p.Title = fmt.Sprintf("brokerbench %s %s", p.Scenario, p.RunID)
	p.Latency, p.LatencyFrom = latencyRows(r.Summary, sets[0])
	data := reportData{
		Series: timeSeriesOf(r.Series), WarmupEnd: tl.MeasureStart, SendEnd: tl.SendEnd,
		Faults: faultBands(recs, tl), Stages: stageMarks(r.Summary, r.Series), Marks: []mark{}, SpectrumX: spectrumX(), Spectra: spectrumLines(phases, sets),
	}
	p.Result = "INCOMPLETE — no verdicts (the checkers never ran)"
	if r.Info != nil {
		p.Env = &r.Info.Environment
	}
	if s := r.Summary; s != nil {
		p.Env, p.Workload, p.Passed = &s.Environment, &s.Workload, s.Passed
		p.Counters, p.KindsText = counterRows(s.DriverCounters), kindsText(s)
		p.Result = resultText(s)
		if !s.Complete && s.Error == "" && !s.Interrupted {
			p.Result = "INCOMPLETE — " + p.Result
		}
		data.Marks = marksOf(s.Checks)
	}
	p.Data = data
	return p, nil
}

// faultStatsOf is the summary's fault statistics or, for a run that died
// before writing one, the same statistics computed from what it recorded.
func faultStatsOf(r *Run, recs []faults.Record, tl timeline) ([]summary.FaultStats, error) {
	if r.Summary != nil {
		return r.Summary.Faults, nil
	}
	if len(recs) == 0 || r.Info == nil {
		return nil, nil
	}
	return faultstats.Compute(r.Dir, faultstats.Input{
		Records: recs, MeasureStart: tl.MeasureStart, SendEnd: tl.SendEnd, OriginUnixNs: r.Info.OriginUnixN,
	})
}

// faultBands are the shaded intervals of the time charts.
func faultBands(recs []faults.Record, tl timeline) []faultBand {
	out := []faultBand{}
	for _, rec := range recs {
		if from, to, ok := faultSpan(rec, tl.SendEnd); ok {
			out = append(out, faultBand{Label: faultLabel(rec), Spec: rec.Spec, Start: from, End: to})
		}
	}
	return out
}

func generatedText(o htmlOptions) string {
	now := o.now
	if now.IsZero() {
		now = time.Now()
	}
	v := o.version
	if v == "" {
		v = summary.HarnessVersion()
	}
	return fmt.Sprintf("generated %s by brokerbench %s", now.UTC().Format(time.RFC3339), v)
}

// jsonForScript marshals v for a <script type="application/json">
// element: encoding/json escapes <, > and &, so the data cannot end the
// element.
func jsonForScript(v any) (template.JS, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
