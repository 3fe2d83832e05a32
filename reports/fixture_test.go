package reports

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/faultstats"
	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/recorder"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// fixtureRun describes a run directory that writeFixture makes: a
// deterministic stand-in for what the runner writes, with faults that
// slow the broker down while they last.
type fixtureRun struct {
	scenario, runID string
	seconds, warmup int             // series length and warm-up, s
	rate            int64           // acks per second outside faults
	faults          []faults.Record // summary.json "faults" (stats computed) and faults.jsonl
	noSummary       bool            // a run that crashed before writing summary.json
	interrupted     bool
	standIn         string
	latency         float64 // scales the summary's latencies (0: 1)
	// roughStats: fault stats with windows only, instead of
	// faultstats.Compute (which holds every interval histogram: slow for
	// long runs under -race).
	roughStats bool
	// phases: workload phases, in order; the first also covers the
	// warm-up. Each sends at its own rate (0: "max", 3× rate).
	phases []fixturePhase
	// delayed and counters go into summary.json as they are.
	delayed  *checker.Delayed
	counters map[string]int64
	// subscribers: a broadcasting run's per-consumer checks (sets
	// workload.broadcast).
	subscribers []checker.Subscriber
}

// fixturePhase is one workload phase of a fixture, ending at second to;
// kind is its message kind ("" for plain).
type fixturePhase struct {
	name, mode string
	rate       int64
	to         int
	kind       string
}

// rateAt is the send rate of second i (ending at i) and its phase's name.
func (f fixtureRun) rateAt(i int) (int64, string) {
	for _, p := range f.phases {
		if i <= p.to {
			if p.rate == 0 {
				return 3 * f.rate, p.name
			}
			return p.rate, p.name
		}
	}
	if n := len(f.phases); n > 0 {
		return f.rate, f.phases[n-1].name
	}
	return f.rate, ""
}

// fixtureOrigin is the wall-clock run origin of every fixture.
var fixtureOrigin = time.Date(2026, 11, 21, 7, 15, 2, 0, time.UTC)

func writeFixture(t testing.TB, dir string, f fixtureRun) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	info := &summary.RunInfo{
		Schema: summary.Schema, Scenario: f.scenario, RunID: f.runID, Started: fixtureOrigin.Format(time.RFC3339),
		OriginUnixN: fixtureOrigin.UnixNano(), Command: []string{"brokerbench", "run", f.scenario},
		Driver:      drivers.Info{Driver: "memory", Broker: "in-memory test broker", StandIn: f.standIn, Nodes: []string{"mem-1"}},
		Environment: summary.Environment{Harness: "devel", Go: "go1.26.8", OS: "linux", Arch: "amd64", CPUs: 2, Hostname: "bench-1"},
	}
	mustJSON(t, filepath.Join(dir, summary.RunFile), info)
	yml := fmt.Sprintf("name: %s\ndriver:\n  name: memory\nworkload:\n  rate: %d\n  warmup: %ds\n  duration: %ds\n", f.scenario, f.rate, f.warmup, f.seconds-f.warmup-1)
	if err := os.WriteFile(filepath.Join(dir, summary.ScenarioFile), []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	pts := f.writeSeries(t, dir)
	f.writeFaultLog(t, dir)
	f.writeSendLog(t, dir)
	if !f.noSummary {
		f.writeSummary(t, dir, pts)
	}
	return dir
}

// slow reports how much a fault active at second sec slows the broker.
func (f fixtureRun) slow(sec float64) int64 {
	for _, ft := range f.faults {
		if sec >= ft.Start && sec < ft.End {
			return 50
		}
	}
	return 1
}

// writeSeries writes series.jsonl and latency.hlog, one interval a second.
// Intervals with the same latencies share one encoded histogram, so that
// a 10-minute fixture is quick to make even under -race.
func (f fixtureRun) writeSeries(t testing.TB, dir string) []summary.SeriesPoint {
	sw, err := summary.CreateSeries(dir)
	must(t, err)
	hf, err := os.Create(filepath.Join(dir, summary.HistLogFile))
	must(t, err)
	hw := hdr.NewHistogramLogWriter(hf)
	origin := fixtureOrigin.UnixMilli()
	hw.SetBaseTime(origin)
	must(t, hw.OutputLogFormatVersion(), hw.OutputStartTime(origin), hw.OutputBaseTime(origin), hw.OutputLegend())
	var pts []summary.SeriesPoint
	cache := map[[3]int64]fixtureLatency{}
	for i := 1; i <= f.seconds; i++ {
		p, key := f.interval(i)
		lat, ok := cache[key]
		if !ok {
			lat = fixtureLatencies(t, key)
			cache[key] = lat
		}
		p.Publish, p.Service, p.E2E = lat.pts[0], lat.pts[1], lat.pts[2]
		must(t, sw.Write(&p))
		for j, tag := range []string{tagPublish, tagService, tagE2E} {
			_, err := fmt.Fprintf(hf, "Tag=%s,%f,%f,%f,%s\n", tag, float64(i-1), 1.0, lat.maxMs[j], lat.payload[j])
			must(t, err)
		}
		pts = append(pts, p)
	}
	must(t, sw.Close(), hf.Close())
	return pts
}

// fixtureLatency is one interval's publish, service and e2e latencies:
// their summaries, max in ms and encoded histograms.
type fixtureLatency struct {
	pts     [3]summary.LatencyPt
	maxMs   [3]float64
	payload [3]string
}

// fixtureLatencies makes the latencies of key {acked, slow-down, drift}:
// acked values spread over 97 latencies around 200-500µs, times slow.
func fixtureLatencies(t testing.TB, key [3]int64) fixtureLatency {
	acked, slow, drift := key[0], key[1], key[2]
	hs := [3]*hdr.Histogram{recorder.NewHist(), recorder.NewHist(), recorder.NewHist()}
	for k := int64(0); k < min(acked, 97); k++ {
		n := acked/97 + b2i(k < acked%97)
		base := (200_000 + k*3_000 + drift*5_000) * slow
		_ = hs[0].RecordValues(base+50_000, n)
		_ = hs[1].RecordValues(base, n)
		_ = hs[2].RecordValues(base+120_000, n)
	}
	var l fixtureLatency
	for j, h := range hs {
		b, err := h.Encode(hdr.V2CompressedEncodingCookieBase)
		must(t, err)
		l.pts[j], l.maxMs[j], l.payload[j] = summary.LatencyOf(h), float64(h.Max())/1e6, string(b)
	}
	return l
}

// interval makes second i without its latencies, and the key of those.
func (f fixtureRun) interval(i int) (summary.SeriesPoint, [3]int64) {
	phase := summary.PhaseMeasure
	switch {
	case i <= f.warmup:
		phase = summary.PhaseWarmup
	case i == f.seconds:
		phase = summary.PhaseDrain
	}
	slow := f.slow(float64(i) - 0.5)
	rate, stage := f.rateAt(i)
	acked := rate / slow
	if phase == summary.PhaseDrain {
		acked = 0
	}
	p := summary.SeriesPoint{
		T: float64(i), Seconds: 1, Phase: phase, Stage: stage, Sent: rate, Acked: acked, Deliveries: acked,
		Failed: (slow - 1) / 10, Unknown: (slow - 1) / 25, InFlight: rate - acked,
	}
	if phase == summary.PhaseDrain {
		p.Sent = 0
	}
	return p, [3]int64{acked, slow, int64(i % 10)}
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

func (f fixtureRun) writeSummary(t testing.TB, dir string, pts []summary.SeriesPoint) {
	measured := float64(f.seconds - f.warmup - 1)
	var sent, acked, failed, unknown int64
	for _, p := range pts {
		sent, acked, failed, unknown = sent+p.Sent, acked+p.Acked, failed+p.Failed, unknown+p.Unknown
	}
	checks := map[string]*checker.Check{}
	for _, n := range checker.Names() {
		checks[n] = &checker.Check{Verdict: checker.VerdictValid}
	}
	if len(f.faults) > 0 {
		key := uint32(3)
		at := int64((f.faults[0].Start + 1.25) * 1e9)
		checks[checker.CheckLost] = &checker.Check{Verdict: checker.VerdictInvalid, Count: 2,
			Detail: map[string]int64{"middle": 2, "postfix": 0, "prefix": 0}, InWindows: make([]int64, len(f.faults)),
			Examples: []checker.Example{
				{TimeNs: at, Producer: 0, Seq: 1017, Key: &key, Partition: 1, Offset: 99, Detail: "acked, never delivered"},
				{TimeNs: at + 2e8, Producer: 1, Seq: 2044, Partition: 0, Offset: 12},
			}}
	}
	for _, sub := range f.subscribers { // the combined checks: summed, worst verdict
		for name, c := range sub.Checks {
			checks[name].Count += c.Count
			if c.Verdict != checker.VerdictValid {
				checks[name].Verdict = c.Verdict
			}
		}
	}
	s := &summary.Summary{
		Schema: summary.Schema, Scenario: f.scenario, RunID: f.runID,
		Started: fixtureOrigin.Format(time.RFC3339), Ended: fixtureOrigin.Add(time.Duration(f.seconds) * time.Second).Format(time.RFC3339),
		Complete: !f.interrupted, Interrupted: f.interrupted,
		Driver:      drivers.Info{Driver: "memory", Broker: "in-memory test broker", StandIn: f.standIn, Nodes: []string{"mem-1"}},
		Environment: summary.Environment{Harness: "devel", Go: "go1.26.8", OS: "linux", Arch: "amd64", CPUs: 2, Hostname: "bench-1"},
		Workload: summary.Workload{Mode: "async", Rate: fmt.Sprint(f.rate), Producers: 2, Consumers: 2, Window: 64,
			MessageSize: 124, Keys: 16, Partitions: 4, Warmup: float64(f.warmup), Duration: measured},
		Drain:      summary.Drain{End: checker.DrainComplete, Seconds: 0.3},
		Counts:     checker.Counts{Sent: sent, Acked: acked, Failed: failed, Unknown: unknown, Delivered: acked, Deliveries: acked},
		Throughput: summary.Throughput{MeasuredSeconds: measured, SendRate: float64(f.rate), AckRate: float64(acked) / float64(f.seconds), DeliveryRate: float64(acked) / float64(f.seconds), TargetRate: float64(f.rate)},
		Latency: summary.Latency{
			PublishResponse: recorder.Percentiles{Count: acked, Min: 251_000, P50: 400_000, P90: 480_000, P99: 12_000_000, P999: 25_000_000, P9999: 26_000_000, Max: 26_500_000},
			PublishService:  recorder.Percentiles{Count: acked, Min: 201_000, P50: 350_000, P90: 430_000, P99: 11_000_000, P999: 24_000_000, P9999: 25_000_000, Max: 25_500_000},
			EndToEnd:        recorder.Percentiles{Count: acked, Min: 321_000, P50: 470_000, P90: 550_000, P99: 12_500_000, P999: 26_000_000, P9999: 27_000_000, Max: 27_500_000},
		},
		Checks:       checks,
		Expectations: []summary.Expectation{{Expect: "lost == 0", Where: f.scenario + ".yaml:31", Value: float64(checks["lost"].Count), Known: true, Holds: checks["lost"].Count == 0}},
		Harness:      summary.Harness{CPUUtilization: 0.21},
	}
	s.Passed = s.Complete && summary.AllHold(s.Expectations)
	if f.latency > 0 {
		for _, p := range []*recorder.Percentiles{&s.Latency.PublishResponse, &s.Latency.PublishService, &s.Latency.EndToEnd} {
			for _, v := range []*int64{&p.Min, &p.P50, &p.P90, &p.P99, &p.P999, &p.P9999, &p.Max} {
				*v = int64(float64(*v) * f.latency)
			}
		}
	}
	if len(f.faults) > 0 {
		checks[checker.CheckLost].InWindows[0] = 2
		s.Errors = []summary.ErrorCount{{Op: "send", Message: "broker unavailable", Count: 7, First: f.faults[0].Start, Last: f.faults[0].End}}
		s.Faults = f.faultStats(t, dir, checks)
	}
	s.Phases = f.phaseStats(t, dir, pts)
	s.Delayed, s.DriverCounters = f.delayed, f.counters
	s.Workload.Broadcast, s.Subscribers = f.subscribers != nil, f.subscribers
	mustJSON(t, filepath.Join(dir, summary.SummaryFile), s)
}

// phaseStats measures the fixture's phases as the runner does: from the
// end of the warm-up, over the series counts and latency.hlog.
func (f fixtureRun) phaseStats(t testing.TB, dir string, pts []summary.SeriesPoint) []summary.PhaseStats {
	if len(f.phases) == 0 {
		return nil
	}
	var spans []faultstats.Span
	from := f.warmup
	for _, p := range f.phases {
		rate := "max"
		if p.rate > 0 {
			rate = fmt.Sprint(p.rate)
		}
		sp := faultstats.Span{Name: p.name, Mode: p.mode, Kind: p.kind, Rate: rate, From: float64(from), To: float64(p.to)}
		for _, pt := range pts {
			if pt.T > sp.From && pt.T <= sp.To && pt.Phase == summary.PhaseMeasure {
				sp.Sent, sp.Acked = sp.Sent+pt.Sent, sp.Acked+pt.Acked
			}
		}
		spans = append(spans, sp)
		from = p.to
	}
	st, err := faultstats.Phases(dir, fixtureOrigin.UnixNano(), spans)
	must(t, err)
	return st
}

func (f fixtureRun) faultStats(t testing.TB, dir string, checks map[string]*checker.Check) []summary.FaultStats {
	if f.roughStats {
		var out []summary.FaultStats
		for _, r := range f.faults {
			l := r.End - r.Start
			out = append(out, summary.FaultStats{Record: r, Before: summary.FaultWindow{From: r.Start - l, To: r.Start},
				During: summary.FaultWindow{From: r.Start, To: r.End}, After: summary.FaultWindow{From: r.End, To: r.End + l}})
		}
		return out
	}
	st, err := faultstats.Compute(dir, faultstats.Input{
		Records: f.faults, Checks: checks, TargetRate: float64(f.rate),
		MeasureStart: float64(f.warmup), SendEnd: float64(f.seconds - 1), OriginUnixNs: fixtureOrigin.UnixNano(),
	})
	must(t, err)
	return st
}

// writeSendLog writes one producer's op log holding only the sends that
// went wrong while a fault was active (fault i: keys 20i .. 20i+7i+2
// failed or unknown, one of them twice): what the per-fault affected keys
// are computed from. No acked sends, so no first ack after a fault. No
// faults: no op log.
func (f fixtureRun) writeSendLog(t testing.TB, dir string) {
	if len(f.faults) == 0 {
		return
	}
	p := oplog.SendPath(dir, 0)
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	out, err := os.Create(p)
	must(t, err)
	w, err := oplog.NewSendWriter(out)
	must(t, err)
	seq := uint64(0)
	send := func(key uint32, o oplog.Outcome, at float64) {
		seq++
		ns := int64(at * 1e9)
		must(t, w.Write(&oplog.Send{Seq: seq, Key: key, Outcome: o, Flags: oplog.FlagKeyed, Partition: -1, Offset: -1,
			Intended: ns - 1e6, Sent: ns - 1e6, Done: ns, Next: seq + 1}))
	}
	for i, rec := range f.faults {
		n := 7*i + 3
		for j := range n {
			o := oplog.Failed
			if j%2 == 1 {
				o = oplog.Unknown
			}
			send(uint32(i*20+j), o, rec.Start+0.1+0.01*float64(j))
		}
		send(uint32(i*20), oplog.Failed, rec.Start+0.2)
	}
	must(t, w.Flush(), out.Close())
}

// writeFaultLog writes faults.jsonl: a start and a heal event per fault.
func (f fixtureRun) writeFaultLog(t testing.TB, dir string) {
	var b []byte
	for _, ev := range []string{"start", "heal"} {
		for _, rec := range f.faults {
			if ev == "start" {
				rec.End = 0
			}
			if rec.Start >= float64(f.seconds) || (ev == "heal" && rec.End >= float64(f.seconds)) {
				continue // after the run ended (a crashed run's log)
			}
			line, err := json.Marshal(struct {
				Event string `json:"event"`
				faults.Record
			}{ev, rec})
			must(t, err)
			b = append(append(b, line...), '\n')
		}
	}
	must(t, os.WriteFile(filepath.Join(dir, faults.File), b, 0o644))
}

func mustJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}

func must(t testing.TB, errs ...error) {
	t.Helper()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}
