package reports

import (
	"math"

	"github.com/brokerbench/brokerbench/internal/checker"
	"github.com/brokerbench/brokerbench/internal/summary"
)

// reportData is the JSON a report page's script draws from (in a
// <script type="application/json" id="report-data"> element). Times are s
// since the run origin, rates msg/s, latencies ms.
type reportData struct {
	Series    timeSeries     `json:"series"`
	WarmupEnd float64        `json:"warmup_end"` // start of the measured part
	SendEnd   float64        `json:"send_end"`   // start of the drain
	Faults    []faultBand    `json:"faults"`
	Stages    []stageMark    `json:"stages,omitempty"` // workload phases
	Marks     []mark         `json:"marks"`
	SpectrumX []float64      `json:"spectrum_x"` // 1/(1-p)
	Spectra   []spectrumLine `json:"spectra"`
}

// timeSeries holds one value per series.jsonl interval.
type timeSeries struct {
	T        []float64    `json:"t"` // end of the interval
	Send     []float64    `json:"send"`
	Ack      []float64    `json:"ack"`
	Delivery []float64    `json:"delivery"`
	Failed   []float64    `json:"failed"` // per s
	Unknown  []float64    `json:"unknown"`
	InFlight []int64      `json:"in_flight"`
	Publish  latencyLines `json:"publish"`
	Service  latencyLines `json:"service"`
	E2E      latencyLines `json:"e2e"`
}

// latencyLines are per-interval percentiles, ms; null without samples.
type latencyLines struct {
	P50  []*float64 `json:"p50"`
	P99  []*float64 `json:"p99"`
	P999 []*float64 `json:"p999"`
	Max  []*float64 `json:"max"`
}

type faultBand struct {
	Label string  `json:"label"`
	Spec  string  `json:"spec"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// mark is an anomaly (a check example) at its time.
type mark struct {
	T     float64 `json:"t"`
	Check string  `json:"check"`
	Text  string  `json:"text"`
}

// spectrumLine is one percentile spectrum, ms at SpectrumX; null for a
// zero latency (the y axis is logarithmic).
type spectrumLine struct {
	Name  string     `json:"name"`  // "publish response", …
	Kind  string     `json:"kind"`  // tagPublish, tagService, tagE2E
	Phase string     `json:"phase"` // phase name
	Part  string     `json:"part"`  // "" (measured), before, during, after
	Fault int        `json:"fault"` // index of the fault, -1 for the measured part
	Count int64      `json:"count"`
	Ms    []*float64 `json:"ms"`
}

func timeSeriesOf(pts []summary.SeriesPoint) timeSeries {
	var ts timeSeries
	for _, p := range pts {
		per := func(n int64) float64 {
			if p.Seconds <= 0 {
				return 0
			}
			return round(float64(n)/p.Seconds, 1)
		}
		ts.T = append(ts.T, round(p.T, 3))
		ts.Send = append(ts.Send, per(p.Sent))
		ts.Ack = append(ts.Ack, per(p.Acked))
		ts.Delivery = append(ts.Delivery, per(p.Deliveries))
		ts.Failed = append(ts.Failed, per(p.Failed))
		ts.Unknown = append(ts.Unknown, per(p.Unknown))
		ts.InFlight = append(ts.InFlight, p.InFlight)
		ts.Publish.add(p.Publish)
		ts.Service.add(p.Service)
		ts.E2E.add(p.E2E)
	}
	return ts
}

func (l *latencyLines) add(p summary.LatencyPt) {
	v := func(ns int64) *float64 {
		if p.Count == 0 {
			return nil
		}
		return msOf(ns)
	}
	l.P50 = append(l.P50, v(p.P50))
	l.P99 = append(l.P99, v(p.P99))
	l.P999 = append(l.P999, v(p.P999))
	l.Max = append(l.Max, v(p.Max))
}

// msOf converts ns to ms for a log axis: nil for zero.
func msOf(ns int64) *float64 {
	if ns <= 0 {
		return nil
	}
	v := float64(ns) / 1e6
	return &v
}

// round rounds v to d decimals.
func round(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// marksOf places the examples of every check that is not valid.
func marksOf(checks map[string]*checker.Check) []mark {
	out := []mark{}
	for _, name := range checkNames() {
		c, ok := checks[name]
		if !ok || c.Verdict == checker.VerdictValid {
			continue
		}
		for _, ex := range c.Examples {
			out = append(out, mark{T: round(float64(ex.TimeNs)/1e9, 3), Check: name, Text: exampleText(ex)})
		}
	}
	return out
}

// spectrumLines turns the phase latencies into spectra; empty ones are left
// out.
func spectrumLines(phases []phase, sets []latencySet) []spectrumLine {
	out := []spectrumLine{}
	for i, p := range phases {
		for _, k := range latencyKinds {
			s := spectrumOf(k.hist(sets[i]))
			if s.Count == 0 {
				continue
			}
			out = append(out, spectrumLine{Name: k.name, Kind: k.tag, Phase: p.Name, Part: p.Part, Fault: p.Fault, Count: s.Count, Ms: spectrumMs(s)})
		}
	}
	return out
}
