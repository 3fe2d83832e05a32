package scenarios

import (
	"fmt"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Phase is one part of a workload that runs after the previous one, with
// its own send mode, rate, window and message kind (each defaulting to the
// workload's).
// Phases let one run measure sync, async and oneway on the same cluster.
type Phase struct {
	// Name labels the phase in results; default: its mode.
	Name     string        `yaml:"name"`
	Mode     drivers.Mode  `yaml:"mode"`
	Rate     Rate          `yaml:"rate"`
	Window   int           `yaml:"window"`
	Kind     drivers.Kind  `yaml:"kind"`
	Duration time.Duration `yaml:"duration"` // > 0, required
}

// EffectivePhases returns the phases of w, or one phase made of the
// workload's own mode, rate, window, kind and duration when it has none.
func (w *Workload) EffectivePhases() []Phase {
	if len(w.Phases) > 0 {
		return w.Phases
	}
	return []Phase{{Name: w.Mode.String(), Mode: w.Mode, Rate: w.Rate, Window: w.Window, Kind: w.Kind, Duration: w.Duration}}
}

// fillPhases gives every phase the workload's values it does not set and
// makes workload.duration their sum.
func (d *decoder) fillPhases(w *Workload) {
	var total time.Duration
	for i := range w.Phases {
		ph := &w.Phases[i]
		p := indexPath("workload.phases", i)
		if !d.seen[joinPath(p, "mode")] {
			ph.Mode = w.Mode
		}
		if !d.seen[joinPath(p, "rate")] {
			ph.Rate = w.Rate
		}
		if !d.seen[joinPath(p, "window")] {
			ph.Window = w.Window
		}
		if !d.seen[joinPath(p, "kind")] {
			ph.Kind = w.Kind
		}
		if ph.Name == "" {
			ph.Name = ph.Mode.String()
		}
		total += ph.Duration
	}
	if len(w.Phases) == 0 {
		return
	}
	if d.seen["workload.duration"] && w.Duration != total {
		d.problem("workload.duration", "is %s but the phases add up to %s: leave workload.duration out", w.Duration, total)
	}
	w.Duration = total
	d.seen["workload.duration"] = true
}

// validatePhases checks each phase's own values.
func (d *decoder) validatePhases(w *Workload) {
	names := map[string]bool{}
	for i, ph := range w.Phases {
		p := indexPath("workload.phases", i)
		if d.required(joinPath(p, "duration"), false) && ph.Duration <= 0 {
			d.problem(joinPath(p, "duration"), "must be > 0, got %s", ph.Duration)
		}
		d.inRange(joinPath(p, "window"), int64(ph.Window), 1, MaxWindow, "")
		if !ph.Rate.Max && !(ph.Rate.PerSecond > 0 && ph.Rate.PerSecond <= MaxRate) && !d.bad[joinPath(p, "rate")] {
			d.problem(joinPath(p, "rate"), "must be > 0 and <= %d (or \"max\"), got %v", MaxRate, ph.Rate.PerSecond)
		}
		if names[ph.Name] {
			d.problem(joinPath(p, "name"), "phase name %q used twice", ph.Name)
		}
		names[ph.Name] = true
	}
}

// String is "name: sync 5s @ 1000/s", with the kind after the mode when
// it is not plain ("name: async delayed 5s @ 100/s").
func (ph Phase) String() string {
	rate := "max"
	if !ph.Rate.Max {
		rate = fmt.Sprintf("%g/s", ph.Rate.PerSecond)
	}
	mode := ph.Mode.String()
	if k := ph.Kind.Normal(); k != drivers.KindPlain {
		mode += " " + string(k)
	}
	return fmt.Sprintf("%s: %s %s @ %s", ph.Name, mode, ph.Duration, rate)
}
