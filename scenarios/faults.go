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
	// Link-fault parameters (see LinkKinds). Latency and Jitter: latency
	// only (each chunk of data is delayed Latency ± Jitter). RateKBps:
	// bandwidth only, in KB/s. Direction: any link kind; which way the
	// toxic acts — "downstream" (broker to client), "upstream" (client to
	// broker) or "both" (the default, written "" or "both").
	Latency   time.Duration `yaml:"latency"`
	Jitter    time.Duration `yaml:"jitter"`
	RateKBps  int           `yaml:"rate_kbps"`
	Direction string        `yaml:"direction"`
	// Loss is the share of packets a packet-loss fault drops, in (0, 1].
	Loss float64 `yaml:"loss"`
	// Every > 0 repeats the fault: it starts at At, then again Every ±
	// a uniform jitter in [0, EveryJitter) after the previous start (the
	// jitter seeded by workload.seed), until sending ends; each occurrence
	// lasts For (> 0 and < Every - EveryJitter for healable kinds). See
	// ExpandFaults.
	Every       time.Duration `yaml:"every"`
	EveryJitter time.Duration `yaml:"every_jitter"`
	// Generated marks a fault drawn by the nemesis section (see
	// NemesisSpec): Marshal leaves it out, since Load draws it again.
	Generated bool `yaml:"-"`
}

// Directions a link fault may act in.
const (
	DirectionBoth       = "both"
	DirectionDownstream = "downstream" // broker to client
	DirectionUpstream   = "upstream"   // client to broker
)

// Streams returns the directions f acts in: "downstream", "upstream" or
// both ("" counts as both).
func (f FaultSpec) Streams() []string {
	switch f.Direction {
	case DirectionDownstream, DirectionUpstream:
		return []string{f.Direction}
	}
	return []string{DirectionDownstream, DirectionUpstream}
}

// Limits of link-fault parameters.
const (
	MaxLinkLatency = time.Minute
	MaxRateKBps    = 10_000_000 // 10 GB/s
)

// Fault kinds a scenario may name, with what healing means.
const (
	FaultKill       = "kill"        // SIGKILL the node; heal: start it again
	FaultStop       = "stop"        // graceful shutdown; heal: start it again
	FaultPause      = "pause"       // SIGSTOP; heal: SIGCONT
	FaultRestart    = "restart"     // kill and start again at once (For must be 0)
	FaultLeaderMove = "leader-move" // move the leader of target's resource (no heal)

	// Link faults act on the client links through the proxy the harness
	// puts in front of each node (cluster.proxy: true); heal: remove the
	// toxics the fault added.
	FaultLatency   = "latency"    // delay data by latency ± jitter
	FaultBandwidth = "bandwidth"  // limit the rate to rate_kbps KB/s
	FaultTimeout   = "timeout"    // blackhole: data stops, connections hang
	FaultResetPeer = "reset-peer" // connections are reset (TCP RST) when data next flows
	FaultSlicer    = "slicer"     // data sliced into small TCP packets (~64 bytes)

	// Network faults act on the traffic between cluster nodes, with
	// iptables rules in the nodes' network namespaces (clusters whose
	// nodes live in namespaces: rabbitmq-local with netns: true); client
	// traffic is never touched. heal: remove the rules the fault added.
	FaultIsolate        = "isolate"         // cut the target node(s) off from the other nodes
	FaultPartition      = "partition"       // split the cluster into two random halves (seeded)
	FaultMajoritiesRing = "majorities-ring" // every node sees a majority, no two the same one (Jepsen)
	FaultBridge         = "bridge"          // two halves that see each other only through one node
	FaultOneWayDrop     = "one-way-drop"    // packets from the target(s) to the other nodes are dropped; the other way passes
	FaultPacketLoss     = "packet-loss"     // drop a share (loss) of the packets between the target(s) and the other nodes
)

// FaultKinds lists the fault kinds in display order.
func FaultKinds() []string {
	kinds := append([]string{FaultKill, FaultStop, FaultPause, FaultRestart, FaultLeaderMove}, NetworkKinds()...)
	return append(kinds, LinkKinds()...)
}

// NetworkKinds lists the fault kinds that act on the traffic between
// cluster nodes.
func NetworkKinds() []string {
	return []string{FaultIsolate, FaultPartition, FaultMajoritiesRing, FaultBridge, FaultOneWayDrop, FaultPacketLoss}
}

// IsNetworkKind reports whether kind acts on the traffic between nodes.
func IsNetworkKind(kind string) bool { return contains(NetworkKinds(), kind) }

// IsClusterWide reports whether kind splits the whole cluster (a seeded
// random split) and so takes no target.
func IsClusterWide(kind string) bool {
	return kind == FaultPartition || kind == FaultMajoritiesRing || kind == FaultBridge
}

// MinNodes is the smallest cluster a fault of kind makes sense on.
func MinNodes(kind string) int {
	switch {
	case kind == FaultMajoritiesRing || kind == FaultBridge:
		return 3
	case IsNetworkKind(kind):
		return 2
	}
	return 1
}

// LinkKinds lists the fault kinds that act on client links through the
// proxy.
func LinkKinds() []string {
	return []string{FaultLatency, FaultBandwidth, FaultTimeout, FaultResetPeer, FaultSlicer}
}

// IsLinkKind reports whether kind acts on client links.
func IsLinkKind(kind string) bool { return contains(LinkKinds(), kind) }

// Target chooses the node a fault acts on when it starts. In YAML: a node
// name ("rabbit2"), "random" (seeded by workload.seed), "all" (every
// node's link; link faults only), or a mapping {leader-of: RESOURCE} where
// RESOURCE is "topic/partition" (Kafka-like clusters) or a queue name
// (RabbitMQ), asked of the cluster at fault time.
type Target struct {
	Node     string
	Random   bool
	All      bool
	LeaderOf string
	// Group is "minority", "majority" or "all-but-one": that many nodes
	// of the cluster, chosen at fault time (seeded by workload.seed).
	Group string
}

// Group targets: how many of a cluster's nodes a fault acts on.
const (
	GroupMinority  = "minority"    // (n-1)/2 nodes: fewer than half
	GroupMajority  = "majority"    // n/2+1 nodes: more than half
	GroupAllButOne = "all-but-one" // n-1 nodes
)

// Groups lists the group targets.
func Groups() []string { return []string{GroupMinority, GroupMajority, GroupAllButOne} }

// GroupSize is how many of n nodes group names (0: none, e.g. the
// minority of 2 nodes).
func GroupSize(group string, n int) int {
	switch group {
	case GroupMinority:
		return (n - 1) / 2
	case GroupMajority:
		return n/2 + 1
	case GroupAllButOne:
		return n - 1
	}
	return 0
}

// String is the YAML spelling of t.
func (t Target) String() string {
	switch {
	case t.Random:
		return "random"
	case t.All:
		return "all"
	case t.LeaderOf != "":
		return "leader-of " + t.LeaderOf
	case t.Group != "":
		return t.Group
	}
	return t.Node
}

var targetType = reflect.TypeFor[Target]()

func (d *decoder) decodeTarget(n *yaml.Node, v reflect.Value, path string) {
	n = resolveAlias(n)
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == "random":
		v.Set(reflect.ValueOf(Target{Random: true}))
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value == "all":
		v.Set(reflect.ValueOf(Target{All: true}))
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && contains(Groups(), n.Value):
		v.Set(reflect.ValueOf(Target{Group: n.Value}))
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" && n.Value != "":
		v.Set(reflect.ValueOf(Target{Node: n.Value}))
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "leader-of" &&
		n.Content[1].Kind == yaml.ScalarNode && n.Content[1].Value != "":
		v.Set(reflect.ValueOf(Target{LeaderOf: n.Content[1].Value}))
	default:
		d.errorf(n, path, "expected a node name, \"random\", \"all\", \"minority\", \"majority\", \"all-but-one\" or {leader-of: topic/partition or queue}, got %s", describe(n))
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
	if t.All {
		return str("all")
	}
	if t.Group != "" {
		return str(t.Group)
	}
	return str(t.Node)
}

// Healable reports whether a fault of kind leaves something to undo
// (and so may last For).
func Healable(kind string) bool {
	switch kind {
	case FaultKill, FaultStop, FaultPause:
		return true
	}
	return IsLinkKind(kind) || IsNetworkKind(kind)
}

// MaxFaultOccurrences bounds the expanded fault schedule (repeats and
// nemesis draws included).
const MaxFaultOccurrences = 10_000

// validateFaults checks each fault's kind, timing and target, and that a
// fault has a cluster to act on.
func (d *decoder) validateFaults(s *Scenario) {
	end := s.Workload.Warmup + s.Workload.Duration
	for i, f := range s.Faults {
		p := indexPath("faults", i)
		if f.Generated {
			p = "nemesis" // drawn from the nemesis section
		}
		kind := joinPath(p, "kind")
		if (f.Generated || d.required(kind, f.Kind == "")) && !contains(FaultKinds(), f.Kind) {
			d.problem(kind, "unknown fault kind %q (allowed: %s)", f.Kind, strings.Join(FaultKinds(), ", "))
		}
		if !f.Generated && !IsClusterWide(f.Kind) {
			d.required(joinPath(p, "target"), f.Target == Target{})
		}
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
		d.validateFaultTarget(s, f, p)
		d.validateLink(s, f, p)
		d.validateNetwork(s, f, p)
		d.validateEvery(f, p)
		if f.At >= end && end > 0 {
			d.problem(joinPath(p, "at"), "the fault starts at %s, after sending ends (%s)", f.At, end)
		}
	}
	if len(s.Faults) > 0 && s.Cluster.Backend == "" && !d.bad["cluster.backend"] {
		d.problem("faults", "faults need a cluster the harness started (cluster.backend)")
	}
	if len(d.errs.Problems) == 0 {
		if n := len(s.FaultSchedule()); n > MaxFaultOccurrences {
			d.problem("faults", "the schedule expands to %d fault occurrences, more than %d: use a longer every",
				n, MaxFaultOccurrences)
		}
	}
}

// validateFaultTarget checks that a fault's target suits its kind and the
// cluster's size.
func (d *decoder) validateFaultTarget(s *Scenario, f FaultSpec, p string) {
	t := f.Target
	if IsClusterWide(f.Kind) && t != (Target{}) {
		d.problem(joinPath(p, "target"), "a %s acts on the whole cluster (a seeded random split): leave out target (got %s)", f.Kind, t)
	}
	if f.Kind == FaultLeaderMove && t != (Target{}) && t.LeaderOf == "" {
		d.problem(joinPath(p, "target"), "a leader-move moves the leader of a resource: the target must be {leader-of: topic/partition or queue} (got %s)", t)
	}
	if t.Group != "" && s.Cluster.Backend != "" && s.Cluster.Nodes > 0 && GroupSize(t.Group, s.Cluster.Nodes) < 1 {
		d.problem(joinPath(p, "target"), "target %s of a %d-node cluster is no node (minority needs cluster.nodes >= 3, all-but-one >= 2; majority is always allowed)",
			t.Group, s.Cluster.Nodes)
	}
}

// validateEvery checks a repeating fault's every and every_jitter.
func (d *decoder) validateEvery(f FaultSpec, p string) {
	if f.Every < 0 {
		d.problem(joinPath(p, "every"), "must be > 0 (or left out for a single fault), got %s", f.Every)
		return
	}
	if f.Every == 0 {
		if f.EveryJitter != 0 && !d.bad[joinPath(p, "every")] {
			d.problem(joinPath(p, "every_jitter"), "only a repeating fault (every: ...) has an every_jitter")
		}
		return
	}
	if Healable(f.Kind) && (f.For <= 0 || f.For >= f.Every) {
		d.problem(joinPath(p, "for"), "a repeating %s needs for > 0 and < every (%s), got %s", f.Kind, f.Every, f.For)
		return
	}
	if limit := f.Every - f.For; f.EveryJitter < 0 || f.EveryJitter >= limit {
		d.problem(joinPath(p, "every_jitter"), "every_jitter must be >= 0 and < every - for (%s), so occurrences never overlap; got %s",
			limit, f.EveryJitter)
	}
}

// validateLink checks a fault's link parameters: each belongs to its
// kind and is in range, "all" targets only link faults, and a link fault
// needs cluster.proxy.
func (d *decoder) validateLink(s *Scenario, f FaultSpec, p string) {
	link := IsLinkKind(f.Kind)
	if f.Target.All && !link && f.Kind != "" {
		d.problem(joinPath(p, "target"), "target all is for link faults only (%s); a %s needs a node, random, minority, majority, all-but-one or {leader-of: ...}",
			strings.Join(LinkKinds(), ", "), f.Kind)
	}
	if link && !s.Cluster.Proxy && s.Cluster.Backend != "" {
		d.problem(joinPath(p, "kind"), "a %s fault acts on client links through the proxy: set cluster.proxy: true", f.Kind)
	}
	if f.Kind == FaultLatency {
		if f.Latency <= 0 || f.Latency > MaxLinkLatency {
			d.problem(joinPath(p, "latency"), "a latency fault needs latency > 0 and <= %s (got %s)", MaxLinkLatency, f.Latency)
		}
		if f.Jitter < 0 || f.Jitter > f.Latency {
			d.problem(joinPath(p, "jitter"), "jitter must be >= 0 and <= latency (%s), got %s", f.Latency, f.Jitter)
		}
	} else {
		if f.Latency != 0 {
			d.problem(joinPath(p, "latency"), "only a latency fault has a latency (this is a %s)", f.Kind)
		}
		if f.Jitter != 0 {
			d.problem(joinPath(p, "jitter"), "only a latency fault has a jitter (this is a %s)", f.Kind)
		}
	}
	if f.Kind == FaultBandwidth {
		if f.RateKBps < 1 || f.RateKBps > MaxRateKBps {
			d.problem(joinPath(p, "rate_kbps"), "a bandwidth fault needs rate_kbps from 1 to %d KB/s (got %d)", MaxRateKBps, f.RateKBps)
		}
	} else if f.RateKBps != 0 {
		d.problem(joinPath(p, "rate_kbps"), "only a bandwidth fault has a rate_kbps (this is a %s)", f.Kind)
	}
	switch {
	case f.Direction != "" && !link:
		d.problem(joinPath(p, "direction"), "only link faults (%s) have a direction", strings.Join(LinkKinds(), ", "))
	case f.Direction != "" && f.Direction != DirectionBoth && f.Direction != DirectionDownstream && f.Direction != DirectionUpstream:
		d.problem(joinPath(p, "direction"), "unknown direction %q (allowed: %s, %s, %s)", f.Direction,
			DirectionDownstream, DirectionUpstream, DirectionBoth)
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
	if f.Target == (Target{}) {
		s = fmt.Sprintf("%s at %s", f.Kind, f.At)
	}
	if f.For > 0 {
		s += fmt.Sprintf(" for %s", f.For)
	}
	if f.To != "" {
		s += " to " + f.To
	}
	if f.Latency > 0 {
		s += fmt.Sprintf(" latency %s", f.Latency)
		if f.Jitter > 0 {
			s += fmt.Sprintf(" jitter %s", f.Jitter)
		}
	}
	if f.RateKBps > 0 {
		s += fmt.Sprintf(" rate %d KB/s", f.RateKBps)
	}
	if f.Loss > 0 {
		s += fmt.Sprintf(" loss %g", f.Loss)
	}
	if f.Direction != "" && f.Direction != DirectionBoth {
		s += " " + f.Direction
	}
	if f.Every > 0 {
		s += fmt.Sprintf(" every %s", f.Every)
		if f.EveryJitter > 0 {
			s += fmt.Sprintf(" ± %s", f.EveryJitter)
		}
	}
	return s
}
