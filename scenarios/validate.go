package scenarios

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Limits of the semantic checks.
const (
	MaxProducers   = 10_000
	MaxConsumers   = 10_000
	MaxWindow      = 1_000_000
	MaxMessageSize = 64 << 20 // bytes
	MaxKeys        = 1_000_000
	MaxRate        = 100_000_000 // messages per second
	MaxDuration    = 24 * time.Hour
	MaxNameLength  = 100
)

var nameRE = regexp.MustCompile(`^[a-z0-9._-]+$`)

// validate runs the semantic checks on the decoded, defaulted scenario.
// Fields whose decoding already failed are not checked again.
func (d *decoder) validate(s *Scenario) {
	if d.required("name", s.Name == "") {
		switch {
		case !nameRE.MatchString(s.Name):
			d.problem("name", "must match [a-z0-9._-]+, got %q", s.Name)
		case s.Name == "." || s.Name == "..":
			d.problem("name", "must not be %q", s.Name)
		case len(s.Name) > MaxNameLength:
			d.problem("name", "must be at most %d characters, got %d", MaxNameLength, len(s.Name))
		}
	}
	d.required("driver.name", s.Driver.Name == "")
	d.validateDestinations(s.Destinations)
	d.validateWorkload(&s.Workload, s.Destinations)
	if s.Cluster.Backend != "" {
		d.inRange("cluster.nodes", int64(s.Cluster.Nodes), 1, MaxClusterNodes, "")
	}
	d.validateNemesis(s) // appends the drawn faults, checked with the others
	d.validateFaults(s)
	for _, e := range s.Expect {
		if math.IsNaN(e.Value) || math.IsInf(e.Value, 0) {
			d.problem(joinPath("expect", e.Metric), "the threshold must be a finite number, got %v", e.Value)
		}
	}
}

// required reports path when it is missing or empty and says whether it
// is usable.
func (d *decoder) required(path string, empty bool) bool {
	switch {
	case d.bad[path]:
		return false
	case !d.seen[path]:
		d.problem(path, "required")
		return false
	case empty:
		d.problem(path, "must not be empty")
		return false
	}
	return true
}

// validateDestinations checks that there is at least one destination and
// that names are present and unique and partitions positive.
func (d *decoder) validateDestinations(dests []Destination) {
	if d.bad["destinations"] {
		return
	}
	if len(dests) == 0 {
		d.problem("destinations", "at least one destination is required")
		return
	}
	first := map[string]int{}
	for i, dest := range dests {
		p := indexPath("destinations", i)
		if d.bad[p] {
			continue
		}
		if d.required(joinPath(p, "name"), dest.Name == "") {
			if j, dup := first[dest.Name]; dup {
				d.problem(joinPath(p, "name"), "duplicate destination name %q (also %s)", dest.Name, indexPath("destinations", j))
			} else {
				first[dest.Name] = i
			}
		}
		d.inRange(joinPath(p, "partitions"), int64(dest.Partitions), 1, math.MaxInt32, "")
	}
}

// validateWorkload checks the workload's ranges and relations.
func (d *decoder) validateWorkload(w *Workload, dests []Destination) {
	const p = "workload."
	d.validateTarget(w.Destination, dests)
	d.inRange(p+"producers", int64(w.Producers), 1, MaxProducers, "")
	d.inRange(p+"consumers", int64(w.Consumers), 0, MaxConsumers, "")
	d.inRange(p+"window", int64(w.Window), 1, MaxWindow, "")
	d.inRange(p+"message_size", int64(w.MessageSize), drivers.EnvelopeSize, MaxMessageSize,
		fmt.Sprintf(" (bytes; the harness's envelope alone takes %d, the maximum is 64 MiB)", drivers.EnvelopeSize))
	d.inRange(p+"keys.count", int64(w.Keys.Count), 0, MaxKeys, "")
	if pick := w.Keys.Pick; !d.bad[p+"keys.pick"] && pick != PickRoundRobin && pick != PickRandom {
		d.problem(p+"keys.pick", "unknown value %q (allowed: %s, %s)", pick, PickRoundRobin, PickRandom)
	} else if w.Keys.Count == 0 {
		w.Keys.Pick = PickRoundRobin // unkeyed: the pick is moot
	}
	if d.required(p+"rate", false) && !w.Rate.Max {
		switch r := w.Rate.PerSecond; {
		case !(r > 0):
			d.problem(p+"rate", "must be > 0 (or \"max\"), got %v", r)
		case r > MaxRate:
			d.problem(p+"rate", "must be <= %d messages per second, got %v", MaxRate, r)
		}
	}
	if d.required(p+"duration", false) && w.Duration <= 0 {
		d.problem(p+"duration", "must be > 0, got %s", w.Duration)
	}
	if !d.bad[p+"send_timeout"] && w.SendTimeout <= 0 {
		d.problem(p+"send_timeout", "must be > 0, got %s", w.SendTimeout)
	}
	for _, f := range []struct {
		name string
		v    time.Duration
	}{{"duration", w.Duration}, {"warmup", w.Warmup}, {"drain_timeout", w.DrainTimeout},
		{"drain_quiet", w.DrainQuiet}, {"send_timeout", w.SendTimeout}} {
		if !d.bad[p+f.name] && f.v > MaxDuration {
			d.problem(p+f.name, "must be at most 24h, got %s", f.v)
		}
	}
	d.validatePhases(w)
	if !d.bad[p+"drain_quiet"] && !d.bad[p+"drain_timeout"] && w.DrainQuiet > w.DrainTimeout {
		d.problem(p+"drain_quiet", "must be <= drain_timeout (%s), got %s", w.DrainTimeout, w.DrainQuiet)
	}
}

// validateTarget checks that the workload destination names a destination.
func (d *decoder) validateTarget(name string, dests []Destination) {
	const p = "workload.destination"
	if d.bad[p] || len(dests) == 0 {
		return
	}
	var names []string
	for _, dest := range dests {
		if dest.Name == name {
			return
		}
		if !slices.Contains(names, dest.Name) {
			names = append(names, dest.Name)
		}
	}
	d.problem(p, "unknown destination %q (allowed: %s)", name, strings.Join(names, ", "))
}

// inRange reports path unless lo <= v <= hi; note is added to the message.
func (d *decoder) inRange(path string, v, lo, hi int64, note string) {
	switch {
	case d.bad[path]:
	case v < lo:
		d.problem(path, "must be >= %d, got %d%s", lo, v, note)
	case v > hi:
		d.problem(path, "must be <= %d, got %d%s", hi, v, note)
	}
}
