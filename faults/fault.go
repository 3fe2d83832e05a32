// Package faults runs a scenario's fault schedule against the cluster the
// harness started: node faults (kill, stop, pause, restart) and leader
// moves, each started at its time on a target resolved when it starts (a
// node by name, a random node, or the leader of a partition or queue), and
// healed at its end — and, whatever happens, when the run ends, on Ctrl-C
// and on a panic (the runner calls HealAll from its deferred cleanup).
//
// Every start and heal is recorded with its time, in faults.jsonl as it
// happens and in the run's summary.
//
// Link faults (latency, bandwidth, timeout, reset-peer, slicer) act
// through the in-process Toxiproxy of compose/proxy (cluster.proxy: true,
// handed over with SetLinks); healing removes exactly the toxics the fault
// added. They are not journaled beyond their start and heal entries: the
// toxics live in the harness's process, so a crashed harness takes them
// with it and `brokerbench heal` has nothing to undo for them.
//
// A schedule may repeat faults (every, expanded by
// scenarios.ExpandFaults; each occurrence is its own Record) and target
// groups of nodes (minority, majority, all-but-one: each node is faulted
// and healed). The random nemesis mode is drawn at load time by package
// scenarios and arrives here as ordinary faults.
//
// Network faults (isolate, partition, majorities-ring, bridge,
// one-way-drop, packet-loss; network.go) work out which node drops
// packets from which (seeded splits, Jepsen's majorities ring) and hand
// the rules to a cluster implementing compose.Partitioner (rabbitmq-local
// with netns: true puts each node in a network namespace of its own;
// compose/netns writes iptables rules there, journaled before they are
// added). Healing removes exactly those rules.
//
// After a crash, `brokerbench heal` (Heal) replays the journal: it
// resumes paused nodes, kills the cluster's processes, and undoes the
// machine changes left (rules, the host link, namespaces).
package faults

import (
	"github.com/brokerbench/brokerbench/scenarios"
)

// Record is one fault as it happened. Times are s since the run origin.
type Record struct {
	Index  int    `json:"index"` // position in the expanded schedule (repeats and nemesis draws included)
	Kind   string `json:"kind"`
	Target string `json:"target"` // as written: "leader-of events/0", "random", "minority", a node
	Node   string `json:"node"`   // the node(s) it acted on ("" if it never started; "n1,n2,…" for all and groups)
	Spec   string `json:"spec"`   // this occurrence: "kill leader-of events/0 at 10s for 5s"
	// Detail describes what a network fault did: the split
	// ("{rabbit1} | {rabbit2,rabbit3}"), a ring's views.
	Detail string `json:"detail,omitempty"`
	// Source is the index of the scenario's faults entry this occurrence
	// comes from (entries drawn by the nemesis section follow the file's).
	Source int `json:"source"`
	// Start is when the fault took effect; End when it was healed (equal to
	// Start for instantaneous faults; 0 when it never started or never
	// healed).
	Start     float64 `json:"start_s"`
	End       float64 `json:"end_s"`
	Error     string  `json:"error,omitempty"`      // the fault could not be started
	HealError string  `json:"heal_error,omitempty"` // the fault could not be healed
}

// healable reports whether kind leaves something to undo.
func healable(kind string) bool { return scenarios.Healable(kind) } // link kinds: remove the fault's toxics
