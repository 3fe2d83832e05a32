package scenarios

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// FaultSpec is one scheduled fault. At is timed from the start of sending
// (warm-up included). For > 0 heals the fault that long after it started;
// For == 0 leaves it until the end of the run, where it is healed too.
type FaultSpec struct {
	Kind   string        `yaml:"kind"`
	Target Target        `yaml:"target"`
	At     time.Duration `yaml:"at"`
	For    time.Duration `yaml:"for"`
	// To is the node leadership moves to (leader-move only; "" = any
	// other node).
	To string `yaml:"to"`
}

// Fault kinds a scenario may name, with what healing means.
const (
	FaultKill       = "kill"        // SIGKILL the node; heal: start it again
	FaultStop       = "stop"        // graceful shutdown; heal: start it again
	FaultPause      = "pause"       // SIGSTOP; heal: SIGCONT
	FaultRestart    = "restart"     // kill and start again at once (For must be 0)
	FaultLeaderMove = "leader-move" // move the leader of target's resource (no heal)
)

// FaultKinds lists the fault kinds in display order.
func FaultKinds() []string {
	return []string{FaultKill, FaultStop, FaultPause, FaultRestart, FaultLeaderMove}
}

// Target chooses the node a fault acts on when it starts. In YAML: a node
// name ("rabbit2"), "random" (seeded by workload.seed), or a mapping
// {leader-of: RESOURCE} where RESOURCE is "topic/partition" (Kafka-like
// clusters) or a queue name (RabbitMQ), asked of the cluster at fault time.
type Target struct {
	Node     string
	Random   bool
	LeaderOf string
}

// String is the YAML spelling of t.
func (t Target) String() string {
	switch {
	case t.Random:
		return "random"
	case t.LeaderOf != "":
		return "leader-of " + t.LeaderOf
	}
	return t.Node
}

var targetType = reflect.TypeFor[Target]()

func (d *decoder) decodeTarget(n *yaml.Node, v reflect.Value, path string) {
	n = resolveAlias(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == "random":
		v.Set(reflect.ValueOf(Target{Random: true}))
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value != "":
		v.Set(reflect.ValueOf(Target{Node: n.Value}))
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "leader-of" &&
		n.Content[1].Kind == yaml.ScalarNode && n.Content[1].Value != "":
		v.Set(reflect.ValueOf(Target{LeaderOf: n.Content[1].Value}))
	default:
		d.errorf(n, path, "expected a node name, \"random\" or {leader-of: topic/partition or queue}, got %s", describe(n))
	}
}

// encodeTarget is the inverse of decodeTarget.
func encodeTarget(t Target) *yaml.Node {
	if t.LeaderOf != "" {
		n := mapping(str("leader-of"), str(t.LeaderOf))
		n.Style = yaml.FlowStyle
		return n
	}
	if t.Random {
		return str("random")
	}
	return str(t.Node)
}

// validateFaults checks each fault's kind, timing and target, and that a
// fault has a cluster to act on.
func (d *decoder) validateFaults(s *Scenario) {
	for i, f := range s.Faults {
		p := indexPath("faults", i)
		kind := joinPath(p, "kind")
		if d.required(kind, f.Kind == "") && !contains(FaultKinds(), f.Kind) {
			d.problem(kind, "unknown fault kind %q (allowed: %s)", f.Kind, strings.Join(FaultKinds(), ", "))
		}
		d.required(joinPath(p, "target"), f.Target == Target{})
		if f.Kind == FaultRestart && f.For != 0 {
			d.problem(joinPath(p, "for"), "a restart is instantaneous: leave out for (got %s)", f.For)
		}
		if f.Kind == FaultLeaderMove && f.For != 0 {
			d.problem(joinPath(p, "for"), "a leader move is not healed: leave out for (got %s)", f.For)
		}
		if f.To != "" && f.Kind != FaultLeaderMove {
			d.problem(joinPath(p, "to"), "only a leader-move has a destination node")
		}
		if f.At < 0 || f.For < 0 {
			d.problem(joinPath(p, "at"), "times must not be negative")
		}
		if end := s.Workload.Warmup + s.Workload.Duration; f.At >= end && end > 0 {
			d.problem(joinPath(p, "at"), "the fault starts at %s, after sending ends (%s)", f.At, end)
		}
	}
	if len(s.Faults) > 0 && s.Cluster.Backend == "" && !d.bad["cluster.backend"] {
		d.problem("faults", "faults need a cluster the harness started (cluster.backend)")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// String describes f for results: "kill leader-of events/0 at 10s for 5s".
func (f FaultSpec) String() string {
	s := fmt.Sprintf("%s %s at %s", f.Kind, f.Target, f.At)
	if f.For > 0 {
		s += fmt.Sprintf(" for %s", f.For)
	}
	if f.To != "" {
		s += " to " + f.To
	}
	return s
}
