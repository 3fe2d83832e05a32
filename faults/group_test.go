package faults

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/scenarios"
)

func TestGroupTargetsFaultAndHealEachNode(t *testing.T) {
	c := &fakeCluster{}
	ms := time.Millisecond
	sched := []scenarios.FaultSpec{
		{Kind: "pause", Target: scenarios.Target{Group: scenarios.GroupMinority}, At: 0, For: 10 * ms},
		{Kind: "kill", Target: scenarios.Target{Group: scenarios.GroupMajority}, At: 20 * ms, For: 10 * ms},
		{Kind: "restart", Target: scenarios.Target{Group: scenarios.GroupAllButOne}, At: 40 * ms},
		{Kind: "stop", Target: scenarios.Target{Group: scenarios.GroupAllButOne}, At: 50 * ms}, // healed by HealAll
	}
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(c, sched, 7, clock(), dir)
	if err != nil {
		t.Fatal(err)
	}
	n.SetJournal(j, "x")
	n.Run(context.Background(), 0, make(chan struct{}))
	n.HealAll(context.Background())
	rs := n.Records()
	want := []int{1, 2, 2, 2}
	for i, r := range rs {
		nodes := strings.Split(r.Node, ",")
		if len(nodes) != want[i] || r.Error != "" || r.HealError != "" || r.End == 0 || r.Source != i || r.Index != i {
			t.Errorf("record %d: %+v, want %d nodes", i, r, want[i])
		}
		for _, nd := range nodes {
			var undo string
			switch r.Kind {
			case "pause":
				undo = "resume"
			case "kill", "stop", "restart":
				undo = "start"
			}
			if !hasCall(c.calls, r.Kind+" "+nd) && !(r.Kind == "restart" && hasCall(c.calls, "kill "+nd)) || !hasCall(c.calls, undo+" "+nd) {
				t.Errorf("%s on %s: calls %v", r.Kind, nd, c.calls)
			}
		}
	}
	if rs[0].Target != "minority" || rs[1].Target != "majority" || rs[2].Target != "all-but-one" {
		t.Errorf("targets %+v", rs)
	}
	// The same seed picks the same groups.
	c2 := &fakeCluster{}
	n2, _ := New(c2, sched, 7, clock(), t.TempDir())
	n2.Run(context.Background(), 0, make(chan struct{}))
	n2.HealAll(context.Background())
	// (Compare the nodes of each record, not the order of the calls: on a
	// loaded machine a heal can come after the next fault's start.)
	for i, r := range n2.Records() {
		if r.Node != rs[i].Node {
			t.Errorf("seed 7 picked different groups for fault %d: %s, then %s", i, rs[i].Node, r.Node)
		}
	}
	// The journal has one fault-start per node, and a pause of several
	// nodes healed leaves nothing paused.
	entries, err := ReadJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	starts := 0
	for _, e := range entries {
		if e.Op == OpFaultStart {
			starts++
		}
	}
	if starts != 1+2+2+2 {
		t.Errorf("%d fault-start entries, want 7: %+v", starts, entries)
	}
}

func hasCall(calls []string, c string) bool {
	for _, x := range calls {
		if x == c {
			return true
		}
	}
	return false
}

// TestGroupPartialFailureIsUndone: when one node of a group cannot be
// faulted, the ones already faulted are healed at once and the fault is
// recorded as not started.
func TestGroupPartialFailureIsUndone(t *testing.T) {
	for seed := int64(1); seed < 100; seed++ {
		c := &fakeCluster{fail: "n3"}
		sched := []scenarios.FaultSpec{{Kind: "kill", Target: scenarios.Target{Group: scenarios.GroupMajority}, For: time.Millisecond}}
		n, _ := New(c, sched, seed, clock(), t.TempDir())
		n.Run(context.Background(), 0, make(chan struct{}))
		n.HealAll(context.Background())
		r := n.Records()[0]
		if r.Node != "n1,n3" && r.Node != "n2,n3" {
			continue
		}
		first := strings.Split(r.Node, ",")[0]
		if r.Error == "" || !strings.Contains(r.Error, "n3: no such process") || r.Start != 0 || r.End != 0 {
			t.Fatalf("record %+v", r)
		}
		if got := strings.Join(c.calls, ", "); got != "kill "+first+", kill n3, start "+first {
			t.Fatalf("calls %s", got)
		}
		return
	}
	t.Fatal("no seed picked n3 with another node")
}

// TestRepeatsAreRecordsOfTheirSource: each occurrence of a repeating
// fault is its own record, with its source entry.
func TestRepeatsAreRecordsOfTheirSource(t *testing.T) {
	c := &fakeCluster{}
	ms := time.Millisecond
	specs := []scenarios.FaultSpec{
		{Kind: "kill", Target: scenarios.Target{Node: "n1"}, At: 5 * ms},
		{Kind: "pause", Target: scenarios.Target{Node: "n2"}, At: 0, For: 10 * ms, Every: 30 * ms, EveryJitter: 5 * ms},
	}
	occ := scenarios.ExpandFaults(specs, 3, 100*ms)
	if len(occ) < 4 || occ[0].Source != 0 || occ[1].Source != 1 {
		t.Fatalf("occurrences %+v", occ)
	}
	if _, err := New(c, specs, 3, clock(), t.TempDir()); err == nil || !strings.Contains(err.Error(), "must be expanded") {
		t.Fatalf("New with a repeating fault: %v", err)
	}
	dir := t.TempDir()
	n, err := NewSchedule(c, occ, 3, clock(), dir)
	if err != nil {
		t.Fatal(err)
	}
	n.Run(context.Background(), 0, make(chan struct{}))
	n.HealAll(context.Background())
	n.Close()
	rs := n.Records()
	pauses := 0
	for i, r := range rs {
		if r.Index != i || r.Source != occ[i].Source || r.End == 0 || r.Error != "" {
			t.Errorf("record %+v", r)
		}
		if r.Source == 1 {
			pauses++
			if d := r.End - r.Start; d < 0.008 || d > 0.025 || r.Spec != occ[i].String() || strings.Contains(r.Spec, "every") {
				t.Errorf("occurrence %+v lasted %.3fs", r, d)
			}
		}
	}
	if pauses != len(occ)-1 || strings.Count(strings.Join(c.calls, ","), "resume n2") != pauses {
		t.Errorf("%d pauses, calls %v", pauses, c.calls)
	}
	b, _ := os.ReadFile(filepath.Join(dir, File))
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var last struct {
		Event  string `json:"event"`
		Source *int   `json:"source"`
		Index  int    `json:"index"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Source == nil {
		t.Errorf("faults.jsonl has no source: %s (%v)", lines[len(lines)-1], err)
	}
}
