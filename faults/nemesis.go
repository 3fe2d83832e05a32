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

// New checks that the cluster supports every fault of the schedule and
// opens dir/faults.jsonl. now returns ns since the run origin.
func New(cluster compose.Cluster, schedule []scenarios.FaultSpec, seed int64, now func() int64, dir string) (*Nemesis, error) {
	n := &Nemesis{cluster: cluster, schedule: schedule, now: now, active: map[int]bool{},
		rng: rand.New(rand.NewPCG(uint64(seed), 0x6e656d))}
	if err := n.supported(); err != nil {
		return nil, err
	}
	f, err := os.Create(filepath.Join(dir, File))
	if err != nil {
		return nil, fmt.Errorf("creating fault log: %w", err)
	}
	n.log = f
	for i, s := range schedule {
		n.records = append(n.records, Record{Index: i, Kind: s.Kind, Target: s.Target.String(), Spec: s.String()})
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
	for i, s := range n.schedule {
		switch {
		case s.Target.All && !scenarios.IsLinkKind(s.Kind):
			return fmt.Errorf("faults[%d]: target all is for link faults only", i)
		case s.Kind == scenarios.FaultLeaderMove && !isMover:
			return fmt.Errorf("faults[%d]: the %s cluster cannot move leaders", i, backend)
		case s.Kind != scenarios.FaultLeaderMove && !scenarios.IsLinkKind(s.Kind) && !isCtl:
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
// a fault that cannot start or heal is recorded as such.
func (n *Nemesis) Run(ctx context.Context, start int64, stop <-chan struct{}) {
	var steps []step
	for i, s := range n.schedule {
		at := start + int64(s.At)
		steps = append(steps, step{at: at, i: i})
		if healable(s.Kind) && s.For > 0 {
			steps = append(steps, step{at: at + int64(s.For), i: i, heal: true})
		}
	}
	sort.SliceStable(steps, func(a, b int) bool { return steps[a].at < steps[b].at })
	for _, st := range steps {
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
		} else {
			n.start(ctx, st.i)
		}
	}
}

// start resolves fault i's target and applies it.
func (n *Nemesis) start(ctx context.Context, i int) {
	s := n.schedule[i]
	node, err := n.resolve(ctx, s.Target)
	if err == nil {
		_ = n.journal.Append(Entry{Op: OpFaultStart, Index: i, Kind: s.Kind, Node: node, PID: n.pidOf(node)})
		err = n.apply(ctx, i, node)
		if s.Kind == scenarios.FaultRestart && n.journal != nil {
			JournalProcesses(n.journal, n.cluster, n.match)
		}
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r := &n.records[i]
	r.Node, r.Start = node, secs(n.now())
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

// apply does what fault i's kind says to node (for link faults: to the
// comma-separated nodes' links).
func (n *Nemesis) apply(ctx context.Context, i int, node string) error {
	s := n.schedule[i]
	if scenarios.IsLinkKind(s.Kind) {
		if n.links == nil {
			return fmt.Errorf("a %s fault acts through the proxy: set cluster.proxy: true", s.Kind)
		}
		return n.links.Apply(linkID(i), strings.Split(node, ","), s)
	}
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
// ("all": every node's name, comma-separated).
func (n *Nemesis) resolve(ctx context.Context, t scenarios.Target) (string, error) {
	switch {
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
	switch kind := n.schedule[i].Kind; {
	case scenarios.IsLinkKind(kind):
		if n.links != nil {
			err = n.links.Heal(linkID(i))
		}
	case kind == scenarios.FaultPause:
		err = n.ctl.Resume(ctx, node)
	default: // kill, stop
		err = n.ctl.Start(ctx, node)
	}
	if err == nil {
		_ = n.journal.Append(Entry{Op: OpFaultHeal, Index: i})
		if k := n.schedule[i].Kind; n.journal != nil && k != scenarios.FaultPause && !scenarios.IsLinkKind(k) {
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
