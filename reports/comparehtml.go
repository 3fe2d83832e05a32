package reports

import (
	"fmt"
	"io"
)

// comparePage is what the "compare" template shows.
type comparePage struct {
	Title     string
	Generated string
	Rows      []compareRow
	Diffs     []SettingDiff
	Groups    []groupView
	StandIns  bool
	Data      compareData
}

type groupView struct {
	Label, Runs, Excluded string
	Spread                []spreadView
}

type spreadView struct{ Metric, Min, Median, Max string }

// compareData is the JSON of a comparison page: one spectrum (ms at
// SpectrumX, null for zero) per run and latency kind.
type compareData struct {
	SpectrumX []float64        `json:"spectrum_x"`
	Runs      []compareRunData `json:"runs"`
}

type compareRunData struct {
	Label      string     `json:"label"`
	StandIn    bool       `json:"stand_in"`
	Incomplete bool       `json:"incomplete"`
	Publish    []*float64 `json:"publish,omitempty"`
	Service    []*float64 `json:"service,omitempty"`
	E2E        []*float64 `json:"e2e,omitempty"`
}

// HTML writes the comparison as one self-contained page: the tables of
// Text plus overlaid percentile spectra.
func (c *Comparison) HTML(w io.Writer) error { return c.renderHTML(w, htmlOptions{}) }

func (c *Comparison) renderHTML(w io.Writer, o htmlOptions) error {
	p := comparePage{
		Title: fmt.Sprintf("brokerbench comparison of %d runs", len(c.Runs)), Generated: generatedText(o),
		Diffs: c.Diffs, Data: compareData{SpectrumX: spectrumX(), Runs: []compareRunData{}},
	}
	for _, cr := range c.Runs {
		row := rowOf(cr)
		p.Rows = append(p.Rows, row)
		p.StandIns = p.StandIns || row.StandIn != ""
		p.Data.Runs = append(p.Data.Runs, compareRunData{
			Label: cr.label(), StandIn: row.StandIn != "", Incomplete: row.Incomplete != "",
			Publish: spectrumMs(cr.Spectra[tagPublish]), Service: spectrumMs(cr.Spectra[tagService]), E2E: spectrumMs(cr.Spectra[tagE2E]),
		})
	}
	for _, g := range c.Groups {
		gv := groupView{Label: g.Label, Runs: runList(g.Runs)}
		if len(g.Excluded) > 0 {
			gv.Excluded = "Left out of the spread, incomplete: " + runList(g.Excluded)
		}
		for _, m := range g.Spread {
			gv.Spread = append(gv.Spread, spreadView{m.Metric, fmtMetric(m.Min, m.Unit), fmtMetric(m.Median, m.Unit), fmtMetric(m.Max, m.Unit)})
		}
		p.Groups = append(p.Groups, gv)
	}
	return pageTemplate.ExecuteTemplate(w, "compare", pageView{Page: p, Assets: inlineAssets(o.stubAssets)})
}

// spectrumMs converts a spectrum to ms (nil when empty).
func spectrumMs(s Spectrum) []*float64 {
	if s.Count == 0 {
		return nil
	}
	out := make([]*float64, len(s.ValuesNs))
	for i, ns := range s.ValuesNs {
		out[i] = msOf(ns)
	}
	return out
}
