package scenarios

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const withRepeats = `name: r
driver: {name: memory}
cluster: {backend: toy, nodes: 3, proxy: true}
destinations: [{name: t}]
workload: {rate: 10, duration: 60s, seed: 5}
faults:
  - {kind: pause, target: minority, at: 5s, for: 2s, every: 10s, every_jitter: 3s}
  - {kind: restart, target: majority, at: 7s}
  - {kind: latency, target: all-but-one, at: 1s, for: 1s, every: 20s, latency: 20ms, jitter: 5ms}
`

func TestRepeatingFaultsExpand(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	s, err := Load("r.yaml", []byte(withRepeats), reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g := s.Faults[0].Target; g.Group != GroupMinority || g.String() != "minority" {
		t.Fatalf("group target %+v", g)
	}
	if got := s.Faults[0].String(); got != "pause minority at 5s for 2s every 10s ± 3s" {
		t.Errorf("String() = %q", got)
	}
	sched := s.FaultSchedule()
	var pauses, lat []Occurrence
	for _, o := range sched {
		if o.Every != 0 || o.EveryJitter != 0 {
			t.Fatalf("occurrence still repeats: %+v", o)
		}
		switch o.Source {
		case 0:
			pauses = append(pauses, o)
		case 2:
			lat = append(lat, o)
		}
	}
	if len(pauses) < 5 || len(pauses) > 8 || pauses[0].At != 5*time.Second {
		t.Fatalf("pause occurrences %+v", pauses)
	}
	jittered := false
	for i := 1; i < len(pauses); i++ {
		gap := pauses[i].At - pauses[i-1].At
		if gap <= 7*time.Second || gap >= 13*time.Second {
			t.Errorf("gap %d = %s, want 10s ± 3s", i, gap)
		}
		jittered = jittered || gap != 10*time.Second
		if pauses[i].For != 2*time.Second || pauses[i].Target.Group != GroupMinority {
			t.Errorf("occurrence %+v", pauses[i])
		}
	}
	if !jittered {
		t.Error("no jitter was applied")
	}
	if last := pauses[len(pauses)-1].At; last >= 60*time.Second {
		t.Errorf("an occurrence starts at %s, after sending ends", last)
	}
	if len(lat) != 3 || lat[0].At != time.Second || lat[1].At != 21*time.Second || lat[2].At != 41*time.Second ||
		lat[0].Latency != 20*time.Millisecond || lat[0].Jitter != 5*time.Millisecond {
		t.Errorf("latency occurrences without jitter %+v", lat)
	}
	if len(sched) != len(pauses)+1+len(lat) || sched[len(pauses)].Source != 1 || sched[len(pauses)].At != 7*time.Second {
		t.Errorf("schedule %+v", sched)
	}
	roundTrip(t, s, reg)
}

// TestRepeatIsDeterministic: the same seed replays the same schedule
// exactly; another seed gives another.
func TestRepeatIsDeterministic(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	sched := func(sets ...string) []Occurrence {
		s, err := Load("r.yaml", []byte(withRepeats), reg, sets)
		if err != nil {
			t.Fatal(err)
		}
		return s.FaultSchedule()
	}
	a, b := sched(), sched()
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("same seed, different schedules:\n%+v\n%+v", a, b)
	}
	if c := sched("workload.seed=6"); reflect.DeepEqual(a, c) {
		t.Fatalf("seeds 5 and 6 gave the same schedule %+v", a)
	}
	// Another entry does not move entry 0's occurrences.
	d := sched("faults.1.at=9s")
	if !reflect.DeepEqual(a[:4], d[:4]) {
		t.Errorf("editing faults[1] moved faults[0]:\n%+v\n%+v", a[:4], d[:4])
	}
}

func TestRepeatAndGroupErrors(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	cases := []struct{ set, want string }{
		{"faults.0.for=0s", "faults[0].for: a repeating pause needs for > 0 and < every (10s), got 0s"},
		{"faults.0.for=10s", "faults[0].for: a repeating pause needs for > 0 and < every (10s), got 10s"},
		{"faults.0.every_jitter=8s", "faults[0].every_jitter: every_jitter must be >= 0 and < every - for (8s), so occurrences never overlap; got 8s"},
		{"faults.0.every_jitter=-1s", "faults[0].every_jitter: must not be negative, got -1s"},
		{"faults.0.every=-1s", "faults[0].every: must not be negative, got -1s"},
		{"faults.1.every_jitter=1s", "faults[1].every_jitter: only a repeating fault (every: ...) has an every_jitter"},
		{"faults.1.every=5ms", "faults: the schedule expands to"},
		{"faults.0.target=bogus-group", ""}, // a node name: fine at load time
		{"cluster.nodes=2", "faults[0].target: target minority of a 2-node cluster is no node (minority needs cluster.nodes >= 3, all-but-one >= 2; majority is always allowed)"},
		{"cluster.nodes=1", "faults[2].target: target all-but-one of a 1-node cluster is no node"},
		{"faults.1.kind=leader-move", "faults[1].target: a leader-move moves the leader of a resource: the target must be {leader-of: topic/partition or queue} (got majority)"},
		{"faults.0.kind=restart", "faults[0].for: a restart is instantaneous"},
	}
	for _, c := range cases {
		_, err := Load("r.yaml", []byte(withRepeats), reg, []string{c.set})
		switch {
		case c.want == "" && err != nil:
			t.Errorf("--set %s: %v", c.set, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("--set %s: got %v, want %q", c.set, err, c.want)
		}
	}
}

const withNemesis = `name: n
driver: {name: memory}
cluster: {backend: toy, nodes: 3, proxy: true}
destinations: [{name: t}]
workload: {rate: 10, duration: 120s, seed: 9}
faults:
  - {kind: kill, target: toy-1, at: 1s, for: 1s}
nemesis:
  mode: random
  kinds: [kill, pause, restart, latency, bandwidth, leader-move]
  targets: [random, minority, all, {leader-of: t/0}]
  every: 10s
  jitter: 3s
  for: 4s
`

func TestNemesisDraws(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	s, err := Load("n.yaml", []byte(withNemesis), reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	nm := s.Nemesis
	if nm == nil || nm.Seed != 9 || nm.At != 10*time.Second || nm.Latency != DefaultNemesisLatency || nm.RateKBps != DefaultNemesisRateKBps {
		t.Fatalf("nemesis defaults %+v", nm)
	}
	drawn := s.Faults[1:]
	if s.Faults[0].Generated || len(drawn) < 9 || len(drawn) > 14 {
		t.Fatalf("drawn %d faults: %+v", len(drawn), s.Faults)
	}
	kinds, targets := map[string]bool{}, map[string]bool{}
	prev := time.Duration(0)
	for _, f := range drawn {
		kinds[f.Kind], targets[f.Target.String()] = true, true
		if !f.Generated || f.At <= prev || f.At >= 120*time.Second {
			t.Errorf("drawn fault %+v after %s", f, prev)
		}
		prev = f.At
		switch {
		case f.Kind == FaultLeaderMove && f.Target.LeaderOf == "",
			f.Target.All && !IsLinkKind(f.Kind),
			Healable(f.Kind) != (f.For == 4*time.Second),
			f.Kind == FaultLatency && f.Latency != DefaultNemesisLatency,
			f.Kind == FaultBandwidth && f.RateKBps != DefaultNemesisRateKBps:
			t.Errorf("bad draw %+v", f)
		}
	}
	if len(kinds) < 4 || len(targets) < 3 {
		t.Errorf("draws not mixed: kinds %v targets %v", kinds, targets)
	}
	// The schedule repeats with the seed; another seed draws another.
	again, _ := Load("n.yaml", []byte(withNemesis), reg, nil)
	if !reflect.DeepEqual(again.Faults, s.Faults) {
		t.Fatal("the same seed drew different faults")
	}
	other, err := Load("n.yaml", []byte(withNemesis), reg, []string{"nemesis.seed=10"})
	if err != nil || reflect.DeepEqual(other.Faults, s.Faults) {
		t.Fatalf("seed 10 drew the same faults (%v)", err)
	}
	if ws, _ := Load("n.yaml", []byte(withNemesis), reg, []string{"workload.seed=10"}); !reflect.DeepEqual(ws.Faults, other.Faults) {
		t.Error("nemesis.seed does not default to workload.seed")
	}
	// Marshal keeps the section (seed written out) and not the draws; Load
	// draws the same faults again.
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "nemesis:\n") || !strings.Contains(string(b), "seed: 9\n") || strings.Count(string(b), "kind: ") != 1 {
		t.Errorf("marshalled:\n%s", b)
	}
	roundTrip(t, s, reg)
	// Through Marshal, another workload.seed no longer moves the draws.
	re, err := Load("again.yaml", b, reg, []string{"workload.seed=10"})
	if err != nil || !reflect.DeepEqual(re.Faults, s.Faults) {
		t.Errorf("the written nemesis.seed did not pin the draws (%v)", err)
	}
	// No nemesis section: none written.
	plain, _ := Load("r.yaml", []byte(withRepeats), reg, nil)
	if b, _ := Marshal(plain); strings.Contains(string(b), "nemesis") {
		t.Errorf("a scenario without a nemesis marshals one:\n%s", b)
	}
}

func TestNemesisErrors(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	cases := []struct {
		sets []string
		want string
	}{
		{[]string{"nemesis.mode=calm"}, `nemesis.mode: unknown nemesis mode "calm" (allowed: random)`},
		{[]string{"nemesis.kinds=[kill, explode]"}, `nemesis.kinds[1]: unknown fault kind "explode" (allowed: kill, stop, pause, restart, leader-move, isolate, partition, majorities-ring, bridge, one-way-drop, packet-loss, latency, bandwidth, timeout, reset-peer, slicer)`},
		{[]string{"nemesis.kinds=[]"}, "nemesis.kinds: must not be empty"},
		{[]string{"cluster.proxy=false"}, "nemesis.kinds[3]: a latency fault acts on client links through the proxy: set cluster.proxy: true, or draw only from kill, stop, pause, restart, leader-move"},
		{[]string{"nemesis.targets=[random]"}, "nemesis.targets: no target suits kind leader-move (it needs {leader-of: topic/partition or queue}; targets: random)"},
		{[]string{"nemesis.targets=[all]", "nemesis.kinds=[kill]"}, "nemesis.targets: no target suits kind kill (it needs a node, random, minority, majority, all-but-one or {leader-of: ...}; targets: all)"},
		{[]string{"nemesis.for=0s"}, "nemesis.for: must be > 0: each drawn fault of kinds kill, pause, restart, latency, bandwidth, leader-move is healed after for"},
		{[]string{"nemesis.every=0s"}, "nemesis.every: must be > 0, got 0s"},
		{[]string{"nemesis.jitter=6s"}, "nemesis.jitter: must be >= 0 and < every - for (6s), so drawn faults never overlap; got 6s"},
		{[]string{"nemesis.at=200s"}, "nemesis.at: the first fault starts at 3m20s, after sending ends (2m0s)"},
		{[]string{"nemesis.latency=0s"}, "nemesis.latency: latency faults need latency > 0 and <= 1m0s (got 0s)"},
		{[]string{"nemesis.rate_kbps=0"}, "nemesis.rate_kbps: bandwidth faults need rate_kbps from 1 to 10000000 KB/s (got 0)"},
		{[]string{"cluster.nodes=2"}, "nemesis.targets[1]: target minority of a 2-node cluster is no node"},
		{[]string{"nemesis.colour=red"}, "nemesis.colour: unknown field (allowed: mode, kinds, targets, at, every, jitter, for, seed, latency, rate_kbps, loss)"},
		{[]string{"nemesis.targets=[everyone]", "nemesis.kinds=[kill]"}, ""}, // a node name
	}
	for _, c := range cases {
		_, err := Load("n.yaml", []byte(withNemesis), reg, c.sets)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("--set %v: %v", c.sets, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("--set %v: got %v, want %q", c.sets, err, c.want)
		}
	}
	noCluster := strings.Replace(withNemesis, "cluster: {backend: toy, nodes: 3, proxy: true}\n", "", 1)
	noCluster = strings.Replace(noCluster, "faults:\n  - {kind: kill, target: toy-1, at: 1s, for: 1s}\n", "", 1)
	if _, err := Load("n.yaml", []byte(noCluster), reg, nil); err == nil ||
		!strings.Contains(err.Error(), "nemesis: the nemesis needs a cluster the harness started (cluster.backend)") {
		t.Errorf("nemesis without a cluster: %v", err)
	}
}
