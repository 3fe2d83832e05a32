package reports

import (
	"fmt"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// Comparison is several stored runs side by side: their numbers and
// verdicts, the workload settings in which they differ (flagged, never
// compared silently), and the spread of repeated runs.
type Comparison struct {
	Runs   []*ComparedRun
	Diffs  []SettingDiff // workload settings that are not the same in every run
	Groups []RepeatGroup // repeats: same scenario, broker and workload, two or more runs
}

// ComparedRun is one run of a Comparison.
type ComparedRun struct {
	N   int // 1-based position, as the tables number it
	Run *Run
	// Spectra are the measured-part percentile spectra by latency.hlog tag.
	Spectra map[string]Spectrum
	// DiffFields are the workload settings in which this run differs from
	// the first run that has a summary.
	DiffFields []string
}

// Compare loads the run directories (in the given order) for comparison.
func Compare(dirs []string) (*Comparison, error) {
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no run directories to compare")
	}
	c := &Comparison{}
	for i, dir := range dirs {
		r, err := Load(dir)
		if err != nil {
			return nil, err
		}
		sp, err := measuredSpectra(r)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", dir, err)
		}
		c.Runs = append(c.Runs, &ComparedRun{N: i + 1, Run: r, Spectra: sp})
	}
	c.Diffs = settingDiffs(c.Runs)
	c.Groups = repeatGroups(c.Runs)
	return c, nil
}

// measuredSpectra computes a run's spectra from its latency.hlog.
func measuredSpectra(r *Run) (map[string]Spectrum, error) {
	sets, err := phaseLatencies(r.Dir, phasesOf(timelineOf(r.Series), nil))
	if err != nil {
		return nil, err
	}
	out := map[string]Spectrum{}
	for _, k := range latencyKinds {
		if s := spectrumOf(k.hist(sets[0])); s.Count > 0 {
			out[k.tag] = s
		}
	}
	return out, nil
}

// standIn is the run's stand-in label ("" for a real broker).
func (cr *ComparedRun) standIn() string {
	if s := cr.Run.Summary; s != nil {
		return s.Driver.StandIn
	}
	if i := cr.Run.Info; i != nil {
		return i.Driver.StandIn
	}
	return ""
}

// broker names the run's broker and driver.
func (cr *ComparedRun) broker() string {
	var b, d, v string
	switch {
	case cr.Run.Summary != nil:
		b, d, v = cr.Run.Summary.Driver.Broker, cr.Run.Summary.Driver.Driver, cr.Run.Summary.Driver.Version
	case cr.Run.Info != nil:
		b, d, v = cr.Run.Info.Driver.Broker, cr.Run.Info.Driver.Driver, cr.Run.Info.Driver.Version
	default:
		return "unknown"
	}
	if v != "" {
		b += " " + v
	}
	return b + " (" + d + ")"
}

// incomplete says why the run's numbers are partial ("" when complete).
func (cr *ComparedRun) incomplete() string {
	s := cr.Run.Summary
	switch {
	case s == nil:
		return "no summary.json (the run did not finish)"
	case s.Error != "":
		return "failed midway"
	case s.Interrupted:
		return "interrupted"
	case !s.Complete:
		return "did not complete"
	}
	return ""
}

func (cr *ComparedRun) workload() *summary.Workload {
	if cr.Run.Summary == nil {
		return nil
	}
	return &cr.Run.Summary.Workload
}

// label is "scenario run_id".
func (cr *ComparedRun) label() string {
	sc, id := titleOf(cr.Run)
	return sc + " " + id
}
