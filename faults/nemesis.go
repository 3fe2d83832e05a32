package faults

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/scenarios"
)

// File is the name of the fault log in a run directory.
const File = "faults.jsonl"

// Nemesis executes a fault schedule. Run, HealAll and Records may be
// called from different goroutines.
type Nemesis struct {
	cluster  compose.Cluster
	ctl      compose.NodeController
	schedule []scenarios.FaultSpec
	sources  []int // schedule[i] comes from the scenario's faults[sources[i]]
	rng      *rand.Rand
	now      func() int64 // ns since the run origin

	mu      sync.Mutex
	records []Record
	active  map[int]bool // index -> started and not yet healed
	log     *os.File
	journal *Journal // nil: none
	match   string   // journal Match of the cluster's processes
	links   Links    // nil: no proxy, link faults fail to start
}

// Links is what link faults act through: the proxy the harness put in
// front of the cluster's nodes (compose/proxy). id names one fault's
// toxics; Heal removes exactly those.
type Links interface {
	Apply(id string, nodes []string, f scenarios.FaultSpec) error
	Heal(id string) error
}

// SetLinks gives the nemesis the proxy link faults act through.
func (n *Nemesis) SetLinks(l Links) { n.links = l }

// linkID names fault i's toxics.
func linkID(i int) string { return fmt.Sprintf("fault-%d", i) }

// SetJournal makes the nemesis journal each fault before it takes effect,
// and each node process (re)started, with match as the string their
// command lines contain (the cluster's directory).
func (n *Nemesis) SetJournal(j *Journal, match string) { n.journal, n.match = j, match }

// JournalProcesses records the cluster's current node processes.
func JournalProcesses(j *Journal, c compose.Cluster, match string) {
	for _, nd := range c.Nodes() {
		if nd.PID > 0 {
			_ = j.Append(Entry{Op: OpProcess, PID: nd.PID, Node: nd.Name, Match: match})
		}
	}
}

func (n *Nemesis) pidOf(node string) int {
	for _, nd := range n.cluster.Nodes() {
		if nd.Name == node {
			return nd.PID
		}
	}
	return 0
}

// New runs schedule, each fault once (none may repeat: expand those with
// scenarios.ExpandFaults and use NewSchedule).
func New(cluster compose.Cluster, schedule []scenarios.FaultSpec, seed int64, now func() int64, dir string) (*Nemesis, error) {
	return NewSchedule(cluster, scenarios.Once(schedule), seed, now, dir)
}

// NewSchedule checks that the cluster supports every fault of the
// expanded schedule and opens dir/faults.jsonl. now returns ns since the
// run origin; seed seeds the choice of random and group targets.
func NewSchedule(cluster compose.Cluster, schedule []scenarios.Occurrence, seed int64, now func() int64, dir string) (*Nemesis, error) {
	n := &Nemesis{cluster: cluster, now: now, active: map[int]bool{},
		rng: rand.New(rand.NewPCG(uint64(seed), 0x6e656d))}
	for _, o := range schedule {
		if o.Every > 0 {
			return nil, fmt.Errorf("faults[%d]: a repeating fault must be expanded (scenarios.ExpandFaults)", o.Source)
		}
		n.schedule = append(n.schedule, o.FaultSpec)
		n.sources = append(n.sources, o.Source)
	}
	if err := n.supported(); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, File))
	if err != nil {
		return nil, fmt.Errorf("creating fault log: %w", err)
	}
	n.log = f
	for i, s := range schedule {
		n.records = append(n.records, Record{Index: i, Source: n.sources[i], Kind: s.Kind, Target: s.Target.String(), Spec: s.String()})
	}
	return n, nil
}

// supported reports the first fault the cluster cannot do.
func (n *Nemesis) supported() error {
	backend := n.cluster.Info().Backend
	ctl, isCtl := n.cluster.(compose.NodeController)
	n.ctl = ctl
	_, isFinder := n.cluster.(compose.LeaderFinder)
	_, isMover := n.cluster.(compose.LeaderMover)
	_, isPartitioner := n.cluster.(compose.Partitioner)
	for j, s := range n.schedule {
		i := n.sources[j]
		switch {
		case s.Kind == scenarios.FaultLeaderMove && s.Target.LeaderOf == "":
			return fmt.Errorf("faults[%d]: a leader-move needs a {leader-of: resource} target", i)
		case s.Target.All && !scenarios.IsLinkKind(s.Kind):
			return fmt.Errorf("faults[%d]: target all is for link faults only", i)
		case s.Kind == scenarios.FaultLeaderMove && !isMover:
			return fmt.Errorf("faults[%d]: the %s cluster cannot move leaders", i, backend)
		case scenarios.IsNetworkKind(s.Kind) && !isPartitioner:
			return fmt.Errorf("faults[%d]: the %s cluster cannot do %s faults: its nodes do not have network namespaces of their own (rabbitmq-local: set cluster.options.netns: true)", i, backend, s.Kind)
		case scenarios.IsNetworkKind(s.Kind) && len(n.cluster.Nodes()) < scenarios.MinNodes(s.Kind):
			return fmt.Errorf("faults[%d]: a %s needs at least %d nodes, the cluster has %d", i, s.Kind, scenarios.MinNodes(s.Kind), len(n.cluster.Nodes()))
		case s.Kind != scenarios.FaultLeaderMove && !scenarios.IsLinkKind(s.Kind) && !scenarios.IsNetworkKind(s.Kind) && !isCtl:
			return fmt.Errorf("faults[%d]: the %s cluster cannot %s nodes", i, backend, s.Kind)
		case s.Target.LeaderOf != "" && !isFinder:
			return fmt.Errorf("faults[%d]: the %s cluster cannot tell leaders", i, backend)
		}
	}
	return nil
}

// step is one timed action: start or heal fault i.
type step struct {
	at   int64
	i    int
	heal bool
}

// Run executes the schedule, timed from start (ns since the origin),
// until every step is done or stop is closed. It never returns an error:
// a fault that cannot start or heal is recorded as such. Steps run one
// at a time (a heal that restarts a node can take seconds): a fault that
// starts late still lasts its For, healed For after it actually started.
func (n *Nemesis) Run(ctx context.Context, start int64, stop <-chan struct{}) {
	var steps []step
	for i, s := range n.schedule {
		steps = append(steps, step{at: start + int64(s.At), i: i})
	}
	for len(steps) > 0 {
		sort.SliceStable(steps, func(a, b int) bool { return steps[a].at < steps[b].at })
		st := steps[0]
		steps = steps[1:]
		if d := time.Duration(st.at - n.now()); d > 0 {
			t := time.NewTimer(d)
			select {
			case <-stop:
				t.Stop()
				return
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if st.heal {
			n.heal(ctx, st.i)
			continue
		}
		n.start(ctx, st.i)
		if s := n.schedule[st.i]; healable(s.Kind) && s.For > 0 {
			at := max(st.at, n.now()) + int64(s.For) // late start: still For long
			steps = append(steps, step{at: at, i: st.i, heal: true})
		}
	}
}

// start resolves fault i's target and applies it.
func (n *Nemesis) start(ctx context.Context, i int) {
	s := n.schedule[i]
	var node, detail string
	var err error
	if !scenarios.IsClusterWide(s.Kind) {
		node, err = n.resolve(ctx, s.Target)
	}
	if err == nil && scenarios.IsNetworkKind(s.Kind) {
		_ = n.journal.Append(Entry{Op: OpFaultStart, Index: i, Kind: s.Kind, Node: node})
		node, detail, err = n.applyNetwork(ctx, i, node)
	} else if err == nil {
		for _, nd := range strings.Split(node, ",") {
			_ = n.journal.Append(Entry{Op: OpFaultStart, Index: i, Kind: s.Kind, Node: nd, PID: n.pidOf(nd)})
		}
		err = n.apply(ctx, i, node)
		if s.Kind == scenarios.FaultRestart && n.journal != nil {
			JournalProcesses(n.journal, n.cluster, n.match)
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r := &n.records[i]
	r.Node, r.Detail, r.Start = node, detail, secs(n.now())
	if err != nil {
		r.Error = err.Error()
		r.Start = 0
	} else if healable(s.Kind) {
		n.active[i] = true
	} else {
		r.End = r.Start
	}
	n.write(r, "start")
}

// apply does what fault i's kind says to node, or to each of the
// comma-separated nodes (link faults: to their links). When a node fault
// fails on one node of several, the nodes already faulted are healed at
// once, so a fault either took effect on all its nodes or on none.
func (n *Nemesis) apply(ctx context.Context, i int, node string) error {
	s := n.schedule[i]
	if scenarios.IsLinkKind(s.Kind) {
		if n.links == nil {
			return fmt.Errorf("a %s fault acts through the proxy: set cluster.proxy: true", s.Kind)
		}
		return n.links.Apply(linkID(i), strings.Split(node, ","), s)
	}
	nodes := strings.Split(node, ",")
	for j, nd := range nodes {
		if err := n.applyNode(ctx, s, nd); err != nil {
			if len(nodes) == 1 {
				return err
			}
			var undo []error
			if healable(s.Kind) {
				for _, done := range nodes[:j] {
					undo = append(undo, n.healNode(ctx, s.Kind, done))
				}
			}
			if u := errors.Join(undo...); u != nil {
				return fmt.Errorf("%s: %w (undoing the nodes before it: %v)", nd, err, u)
			}
			_ = n.journal.Append(Entry{Op: OpFaultHeal, Index: i}) // nothing left to undo
			return fmt.Errorf("%s: %w", nd, err)
		}
	}
	return nil
}

// applyNode does node fault s to one node.
func (n *Nemesis) applyNode(ctx context.Context, s scenarios.FaultSpec, node string) error {
	switch s.Kind {
	case scenarios.FaultKill:
		return n.ctl.Kill(ctx, node)
	case scenarios.FaultStop:
		return n.ctl.Stop(ctx, node)
	case scenarios.FaultPause:
		return n.ctl.Pause(ctx, node)
	case scenarios.FaultRestart:
		if err := n.ctl.Kill(ctx, node); err != nil {
			return err
		}
		return n.ctl.Start(ctx, node)
	case scenarios.FaultLeaderMove:
		res := s.Target.LeaderOf
		if res == "" {
			return errors.New("a leader-move needs a {leader-of: resource} target")
		}
		return n.cluster.(compose.LeaderMover).MoveLeader(ctx, res, s.To)
	}
	return fmt.Errorf("unknown fault kind %q", s.Kind)
}

// resolve turns a target into a node name, asking the cluster when needed
// ("all" and groups: the nodes' names, comma-separated, in cluster order).
func (n *Nemesis) resolve(ctx context.Context, t scenarios.Target) (string, error) {
	switch {
	case t.Group != "":
		nodes := n.cluster.Nodes()
		k := scenarios.GroupSize(t.Group, len(nodes))
		if k < 1 {
			return "", fmt.Errorf("the %s of a %d-node cluster is no node", t.Group, len(nodes))
		}
		picked := make([]bool, len(nodes))
		for _, j := range n.rng.Perm(len(nodes))[:k] {
			picked[j] = true
		}
		var names []string
		for j, nd := range nodes {
			if picked[j] {
				names = append(names, nd.Name)
			}
		}
		return strings.Join(names, ","), nil
	case t.All:
		nodes := n.cluster.Nodes()
		if len(nodes) == 0 {
			return "", errors.New("the cluster has no nodes")
		}
		names := make([]string, len(nodes))
		for i, nd := range nodes {
			names[i] = nd.Name
		}
		return strings.Join(names, ","), nil
	case t.LeaderOf != "":
		return n.cluster.(compose.LeaderFinder).Leader(ctx, t.LeaderOf)
	case t.Random:
		nodes := n.cluster.Nodes()
		if len(nodes) == 0 {
			return "", errors.New("the cluster has no nodes")
		}
		return nodes[n.rng.IntN(len(nodes))].Name, nil
	}
	for _, nd := range n.cluster.Nodes() {
		if nd.Name == t.Node {
			return t.Node, nil
		}
	}
	return "", fmt.Errorf("no node %q in the cluster (nodes: %s)", t.Node, nodeNames(n.cluster.Nodes()))
}

// heal undoes fault i if it is active.
func (n *Nemesis) heal(ctx context.Context, i int) {
	n.mu.Lock()
	if !n.active[i] {
		n.mu.Unlock()
		return
	}
	delete(n.active, i)
	node := n.records[i].Node
	n.mu.Unlock()
	var err error
	if kind := n.schedule[i].Kind; scenarios.IsLinkKind(kind) {
		if n.links != nil {
			err = n.links.Heal(linkID(i))
		}
	} else if scenarios.IsNetworkKind(kind) {
		err = n.cluster.(compose.Partitioner).Undrop(ctx, linkID(i))
	} else {
		var errs []error
		for _, nd := range strings.Split(node, ",") {
			if e := n.healNode(ctx, kind, nd); e != nil {
				errs = append(errs, fmt.Errorf("%s: %w", nd, e))
			}
		}
		err = errors.Join(errs...)
		if len(errs) == 1 && !strings.Contains(node, ",") {
			err = errors.Unwrap(errs[0])
		}
	}
	if err == nil {
		_ = n.journal.Append(Entry{Op: OpFaultHeal, Index: i})
		if k := n.schedule[i].Kind; n.journal != nil && k != scenarios.FaultPause && !scenarios.IsLinkKind(k) && !scenarios.IsNetworkKind(k) {
			JournalProcesses(n.journal, n.cluster, n.match)
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r := &n.records[i]
	r.End = secs(n.now())
	if err != nil {
		r.HealError = err.Error()
	}
	n.write(r, "heal")
}

// healNode undoes node fault kind on one node.
func (n *Nemesis) healNode(ctx context.Context, kind, node string) error {
	if kind == scenarios.FaultPause {
		return n.ctl.Resume(ctx, node)
	}
	return n.ctl.Start(ctx, node) // kill, stop
}

// HealAll heals every active fault (in reverse start order). It is safe to
// call more than once and after a panic; the run's end, Ctrl-C and panics
// all come here.
func (n *Nemesis) HealAll(ctx context.Context) {
	n.mu.Lock()
	var idx []int
	for i := range n.active {
		idx = append(idx, i)
	}
	n.mu.Unlock()
	sort.Sort(sort.Reverse(sort.IntSlice(idx)))
	for _, i := range idx {
		n.heal(ctx, i)
	}
}

// Records returns a copy of the fault records.
func (n *Nemesis) Records() []Record {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Record(nil), n.records...)
}

// Close closes the fault log.
func (n *Nemesis) Close() error { return n.log.Close() }

// write appends an event line to faults.jsonl (under n.mu).
func (n *Nemesis) write(r *Record, event string) {
	b, _ := json.Marshal(struct {
		Event string `json:"event"`
		*Record
	}{event, r})
	_, _ = n.log.Write(append(b, '\n'))
}

func secs(ns int64) float64 { return float64(ns) / 1e9 }

func nodeNames(nodes []compose.Node) string {
	s := ""
	for i, nd := range nodes {
		if i > 0 {
			s += ", "
		}
		s += nd.Name
	}
	return s
}
