package scenarios

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"time"
)

// NemesisSpec is the random nemesis: instead of (or besides) listing
// faults, the scenario says which kinds and targets to draw from and how
// often, and Load draws the faults — kinds and targets at random, seeded —
// and appends them to Scenario.Faults (marked Generated). So `validate`,
// --set, the summary and faults.jsonl all see exactly the faults that run.
//
// Marshal keeps this section (with its seed written out) and leaves the
// drawn faults out; loading the result draws the same faults again. In
// YAML:
//
//	nemesis:
//	  mode: random
//	  kinds: [kill, pause, latency]
//	  targets: [random, minority, {leader-of: q}]
//	  every: 10s    # one fault every 10s ± jitter
//	  jitter: 3s
//	  for: 4s       # each lasts 4s (restart and leader-move: instantaneous)
//	  seed: 7       # default workload.seed
type NemesisSpec struct {
	Mode    string   `yaml:"mode"`    // "random"
	Kinds   []string `yaml:"kinds"`   // drawn from, uniformly
	Targets []Target `yaml:"targets"` // drawn from among those that suit the kind; default [random]
	// At is the first fault's start; default Every.
	At     time.Duration `yaml:"at"`
	Every  time.Duration `yaml:"every"`
	Jitter time.Duration `yaml:"jitter"` // each gap is Every ± uniform [0, Jitter)
	For    time.Duration `yaml:"for"`
	Seed   int64         `yaml:"seed"` // default workload.seed
	// Parameters of drawn link faults: Latency (latency; default 100ms)
	// and RateKBps (bandwidth; default 64); of drawn packet-loss faults:
	// Loss (default 0.2). Drawn partition, majorities-ring and bridge
	// faults split the whole cluster and ignore the drawn target.
	Latency  time.Duration `yaml:"latency"`
	RateKBps int           `yaml:"rate_kbps"`
	Loss     float64       `yaml:"loss"`
}

// NemesisRandom is the only nemesis mode.
const NemesisRandom = "random"

// Defaults of the nemesis's link-fault parameters.
const (
	DefaultNemesisLatency  = 100 * time.Millisecond
	DefaultNemesisRateKBps = 64
	DefaultNemesisLoss     = 0.2
)

var nemesisPtrType = reflect.TypeFor[*NemesisSpec]()

// fillNemesisDefaults fills the nemesis defaults that depend on what was
// decoded.
func (d *decoder) fillNemesisDefaults(s *Scenario) {
	nm := s.Nemesis
	if nm == nil {
		return
	}
	if !d.seen["nemesis.seed"] {
		nm.Seed = s.Workload.Seed
	}
	if !d.seen["nemesis.at"] {
		nm.At = nm.Every
	}
	if !d.seen["nemesis.targets"] {
		nm.Targets = []Target{{Random: true}}
	}
	if !d.seen["nemesis.latency"] && contains(nm.Kinds, FaultLatency) {
		nm.Latency = DefaultNemesisLatency
	}
	if !d.seen["nemesis.rate_kbps"] && contains(nm.Kinds, FaultBandwidth) {
		nm.RateKBps = DefaultNemesisRateKBps
	}
	if !d.seen["nemesis.loss"] && contains(nm.Kinds, FaultPacketLoss) {
		nm.Loss = DefaultNemesisLoss
	}
}

// suits reports whether a fault of kind may act on target t.
func suits(kind string, t Target) bool {
	switch {
	case IsClusterWide(kind):
		return true // the target is not used
	case kind == FaultLeaderMove:
		return t.LeaderOf != ""
	case t.All:
		return IsLinkKind(kind)
	}
	return true
}

// validateNemesis checks the nemesis section and, when it is sound,
// draws its faults and appends them to s.Faults.
func (d *decoder) validateNemesis(s *Scenario) {
	nm := s.Nemesis
	if nm == nil || d.bad["nemesis"] {
		return
	}
	before := len(d.errs.Problems)
	if d.required("nemesis.mode", nm.Mode == "") && nm.Mode != NemesisRandom {
		d.problem("nemesis.mode", "unknown nemesis mode %q (allowed: %s)", nm.Mode, NemesisRandom)
	}
	if s.Cluster.Backend == "" && !d.bad["cluster.backend"] {
		d.problem("nemesis", "the nemesis needs a cluster the harness started (cluster.backend)")
	}
	if d.required("nemesis.kinds", len(nm.Kinds) == 0) {
		healable := false
		for i, k := range nm.Kinds {
			p := indexPath("nemesis.kinds", i)
			switch {
			case !contains(FaultKinds(), k):
				d.problem(p, "unknown fault kind %q (allowed: %s)", k, strings.Join(FaultKinds(), ", "))
				continue
			case IsLinkKind(k) && !s.Cluster.Proxy && s.Cluster.Backend != "":
				d.problem(p, "a %s fault acts on client links through the proxy: set cluster.proxy: true, or draw only from %s",
					k, strings.Join([]string{FaultKill, FaultStop, FaultPause, FaultRestart, FaultLeaderMove}, ", "))
			}
			healable = healable || Healable(k)
			n := 0
			for _, t := range nm.Targets {
				if suits(k, t) {
					n++
				}
			}
			if n == 0 {
				allowed := "a node, random, minority, majority, all-but-one or {leader-of: ...}"
				switch {
				case k == FaultLeaderMove:
					allowed = "{leader-of: topic/partition or queue}"
				case IsLinkKind(k):
					allowed = "a node, random, all, minority, majority, all-but-one or {leader-of: ...}"
				}
				d.problem("nemesis.targets", "no target suits kind %s (it needs %s; targets: %s)", k, allowed, targetList(nm.Targets))
			}
		}
		if healable && nm.For <= 0 {
			d.problem("nemesis.for", "must be > 0: each drawn fault of kinds %s is healed after for", strings.Join(nm.Kinds, ", "))
		}
	}
	for i, t := range nm.Targets {
		if t.Group != "" && s.Cluster.Backend != "" && s.Cluster.Nodes > 0 && GroupSize(t.Group, s.Cluster.Nodes) < 1 {
			d.problem(indexPath("nemesis.targets", i), "target %s of a %d-node cluster is no node (minority needs cluster.nodes >= 3, all-but-one >= 2)",
				t.Group, s.Cluster.Nodes)
		}
	}
	if nm.Every <= 0 {
		d.problem("nemesis.every", "must be > 0, got %s", nm.Every)
	} else if limit := nm.Every - nm.For; nm.Jitter < 0 || nm.Jitter >= limit {
		d.problem("nemesis.jitter", "must be >= 0 and < every - for (%s), so drawn faults never overlap; got %s", limit, nm.Jitter)
	}
	if nm.At < 0 {
		d.problem("nemesis.at", "must not be negative, got %s", nm.At)
	}
	if end := s.Workload.Warmup + s.Workload.Duration; nm.At >= end && end > 0 {
		d.problem("nemesis.at", "the first fault starts at %s, after sending ends (%s)", nm.At, end)
	}
	if contains(nm.Kinds, FaultLatency) && (nm.Latency <= 0 || nm.Latency > MaxLinkLatency) {
		d.problem("nemesis.latency", "latency faults need latency > 0 and <= %s (got %s)", MaxLinkLatency, nm.Latency)
	}
	if contains(nm.Kinds, FaultPacketLoss) && !(nm.Loss > 0 && nm.Loss <= 1) {
		d.problem("nemesis.loss", "packet-loss faults need loss in (0, 1], got %g", nm.Loss)
	}
	if contains(nm.Kinds, FaultBandwidth) && (nm.RateKBps < 1 || nm.RateKBps > MaxRateKBps) {
		d.problem("nemesis.rate_kbps", "bandwidth faults need rate_kbps from 1 to %d KB/s (got %d)", MaxRateKBps, nm.RateKBps)
	}
	if len(d.errs.Problems) > before || d.aborted {
		return
	}
	end := s.Workload.Warmup + s.Workload.Duration
	if end <= 0 {
		return
	}
	if (end-nm.At)/(nm.Every-nm.Jitter) > MaxFaultOccurrences {
		d.problem("nemesis.every", "draws more than %d faults before sending ends (%s): use a longer every", MaxFaultOccurrences, end)
		return
	}
	s.Faults = append(s.Faults, nm.Draw(end)...)
}

func targetList(ts []Target) string {
	if len(ts) == 0 {
		return "none"
	}
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return strings.Join(out, ", ")
}

// Draw draws the nemesis's faults, from At until end (the end of
// sending): the same NemesisSpec always draws the same faults.
func (nm *NemesisSpec) Draw(end time.Duration) []FaultSpec {
	if nm.Every <= 0 || len(nm.Kinds) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(nm.Seed), 0x6e656d65736973)) // "nemesis"
	var out []FaultSpec
	for at := nm.At; at < end && len(out) <= MaxFaultOccurrences; at += nm.Every + jitter(rng, nm.Jitter) {
		kind := nm.Kinds[rng.IntN(len(nm.Kinds))]
		var targets []Target
		for _, t := range nm.Targets {
			if suits(kind, t) {
				targets = append(targets, t)
			}
		}
		if len(targets) == 0 {
			continue // reported by validateNemesis
		}
		f := FaultSpec{Kind: kind, Target: targets[rng.IntN(len(targets))], At: at, Generated: true}
		if Healable(kind) {
			f.For = nm.For
		}
		switch kind {
		case FaultLatency:
			f.Latency = nm.Latency
		case FaultBandwidth:
			f.RateKBps = nm.RateKBps
		case FaultPacketLoss:
			f.Loss = nm.Loss
		}
		if IsClusterWide(kind) {
			f.Target = Target{}
		}
		out = append(out, f)
	}
	return out
}

// jitter draws a uniform offset of magnitude [0, j) and random sign, in
// whole milliseconds when j is at least 1ms (so schedules read well).
func jitter(rng *rand.Rand, j time.Duration) time.Duration {
	if j <= 0 {
		return 0
	}
	unit := time.Millisecond
	if j < unit {
		unit = 1
	}
	u := time.Duration(rng.Int64N(int64(j/unit))) * unit
	if rng.IntN(2) == 0 {
		return -u
	}
	return u
}

// Occurrence is one start of a scheduled fault: a FaultSpec with At the
// time of this occurrence and Every/EveryJitter cleared, and Source the
// index of its entry in Scenario.Faults.
type Occurrence struct {
	FaultSpec
	Source int
}

// Once makes each fault of specs one occurrence (none may repeat).
func Once(specs []FaultSpec) []Occurrence {
	out := make([]Occurrence, len(specs))
	for i, f := range specs {
		out[i] = Occurrence{FaultSpec: f, Source: i}
	}
	return out
}

// ExpandFaults expands repeating faults (Every > 0) into their
// occurrences until end (the end of sending), each entry's in turn and in
// the order of faults. The jitter of entry i is drawn from its own stream
// of seed, so the same seed gives the same schedule, and editing one
// entry does not move another's.
func ExpandFaults(faults []FaultSpec, seed int64, end time.Duration) []Occurrence {
	var out []Occurrence
	for i, f := range faults {
		if f.Every <= 0 {
			out = append(out, Occurrence{FaultSpec: f, Source: i})
			continue
		}
		rng := rand.New(rand.NewPCG(uint64(seed), 0x6576657279<<16|uint64(i))) // "every"
		o := f
		o.Every, o.EveryJitter = 0, 0
		for n := 0; o.At < end && n <= MaxFaultOccurrences; n++ {
			out = append(out, Occurrence{FaultSpec: o, Source: i})
			o.At += f.Every + jitter(rng, f.EveryJitter)
		}
	}
	return out
}

// FaultSchedule is the expanded fault schedule of s: ExpandFaults of its
// faults with workload.seed, until sending ends.
func (s *Scenario) FaultSchedule() []Occurrence {
	return ExpandFaults(s.Faults, s.Workload.Seed, s.Workload.Warmup+s.Workload.Duration)
}
