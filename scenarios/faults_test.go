package scenarios

import (
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
)

type clusterOptions struct {
	Processes bool `yaml:"processes"`
	BasePort  int  `yaml:"base_port"`
}

func (o *clusterOptions) Validate() []drivers.OptionError {
	if o.BasePort < 0 {
		return []drivers.OptionError{{Field: "base_port", Msg: "must be >= 0"}}
	}
	return nil
}

// clusterRegistry adds one cluster backend, "toy", to the test registry.
type clusterRegistry struct{ fakeRegistry }

func (clusterRegistry) Cluster(name string) (compose.Factory, bool) {
	if name != "toy" {
		return compose.Factory{}, false
	}
	return compose.Factory{Name: "toy", Options: func() drivers.Options { return &clusterOptions{} }}, true
}

func (clusterRegistry) ClusterNames() []string { return []string{"toy"} }

const withFaults = `name: f
driver: {name: memory}
cluster:
  backend: toy
  nodes: 3
  options: {processes: true}
destinations: [{name: t}]
workload: {rate: 10, duration: 20s}
faults:
  - {kind: kill, target: {leader-of: t/0}, at: 5s, for: 3s}
  - {kind: pause, target: random, at: 10s, for: 1s}
  - {kind: restart, target: toy-2, at: 15s}
`

func TestClusterAndFaults(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	s, err := Load("f.yaml", []byte(withFaults), reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Cluster.Backend != "toy" || s.Cluster.Nodes != 3 || !s.Cluster.Options.(*clusterOptions).Processes {
		t.Fatalf("cluster %+v", s.Cluster)
	}
	want := []FaultSpec{
		{Kind: "kill", Target: Target{LeaderOf: "t/0"}, At: 5 * time.Second, For: 3 * time.Second},
		{Kind: "pause", Target: Target{Random: true}, At: 10 * time.Second, For: time.Second},
		{Kind: "restart", Target: Target{Node: "toy-2"}, At: 15 * time.Second},
	}
	for i := range want {
		if s.Faults[i] != want[i] {
			t.Errorf("fault %d = %+v, want %+v", i, s.Faults[i], want[i])
		}
	}
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("again.yaml", b, reg, nil)
	if err != nil {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	if again.Faults[0] != want[0] || again.Cluster.Nodes != 3 {
		t.Fatalf("round trip changed the faults or cluster:\n%s", b)
	}
}

func TestFaultErrors(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	cases := []struct{ set, want string }{
		{"faults.0.kind=explode", `faults[0].kind: unknown fault kind "explode" (allowed: kill, stop, pause, restart, leader-move, isolate, partition, majorities-ring, bridge, one-way-drop, packet-loss, latency, bandwidth, timeout, reset-peer, slicer)`},
		{"faults.2.for=1s", "faults[2].for: a restart is instantaneous"},
		{"faults.0.target=", "faults[0].target: expected a node name"},
		{"faults.1.at=30s", "faults[1].at: the fault starts at 30s, after sending ends (20s)"},
		{"cluster.backend=nope", `cluster.backend: unknown cluster backend "nope" (allowed: toy)`},
		{"cluster.nodes=0", "cluster.nodes"},
		{"cluster.options.base_port=-1", "cluster.options.base_port: must be >= 0"},
		{"faults.0.to=x", "faults[0].to: only a leader-move has a destination node"},
	}
	for _, c := range cases {
		_, err := Load("f.yaml", []byte(withFaults), reg, []string{c.set})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: got %v, want %q", c.set, err, c.want)
		}
	}
	noCluster := strings.Replace(withFaults, "cluster:\n  backend: toy\n  nodes: 3\n  options: {processes: true}\n", "", 1)
	if _, err := Load("f.yaml", []byte(noCluster), reg, nil); err == nil ||
		!strings.Contains(err.Error(), "faults: faults need a cluster") {
		t.Errorf("faults without a cluster: %v", err)
	}
	if _, err := Load("f.yaml", []byte(withFaults), testRegistry(), nil); err == nil ||
		!strings.Contains(err.Error(), "allowed: none registered") {
		t.Errorf("a registry without clusters: %v", err)
	}
}

const withLinkFaults = `name: l
driver: {name: memory}
cluster: {backend: toy, nodes: 2, proxy: true}
destinations: [{name: t}]
workload: {rate: 10, duration: 20s}
faults:
  - {kind: latency, target: all, at: 5s, for: 3s, latency: 50ms, jitter: 5ms}
  - {kind: bandwidth, target: toy-1, at: 6s, for: 1s, rate_kbps: 100, direction: downstream}
  - {kind: timeout, target: random, at: 7s, for: 1s, direction: upstream}
  - {kind: reset-peer, target: all, at: 8s}
  - {kind: slicer, target: {leader-of: t/0}, at: 9s, for: 1s, direction: both}
`

func TestLinkFaults(t *testing.T) {
	reg := clusterRegistry{testRegistry()}
	s, err := Load("l.yaml", []byte(withLinkFaults), reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Cluster.Proxy {
		t.Fatalf("cluster.proxy not decoded: %+v", s.Cluster)
	}
	l := s.Faults[0]
	if l.Kind != FaultLatency || !l.Target.All || l.Latency != 50*time.Millisecond || l.Jitter != 5*time.Millisecond ||
		len(l.Streams()) != 2 {
		t.Fatalf("latency fault %+v", l)
	}
	if got := l.String(); got != "latency all at 5s for 3s latency 50ms jitter 5ms" {
		t.Errorf("String() = %q", got)
	}
	if b := s.Faults[1]; b.RateKBps != 100 || len(b.Streams()) != 1 || b.Streams()[0] != "downstream" {
		t.Fatalf("bandwidth fault %+v", b)
	}
	b, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("again.yaml", b, reg, nil)
	if err != nil {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	if !again.Cluster.Proxy || len(again.Faults) != len(s.Faults) {
		t.Fatalf("round trip lost cluster.proxy or faults:\n%s", b)
	}
	for i := range s.Faults {
		if again.Faults[i] != s.Faults[i] {
			t.Errorf("round trip fault %d: %+v, want %+v", i, again.Faults[i], s.Faults[i])
		}
	}
	cases := []struct{ set, want string }{
		{"cluster.proxy=false", "faults[0].kind: a latency fault acts on client links through the proxy: set cluster.proxy: true"},
		{"faults.0.latency=0s", "faults[0].latency: a latency fault needs latency > 0 and <= 1m0s (got 0s)"},
		{"faults.0.latency=2m", "faults[0].latency: a latency fault needs latency > 0"},
		{"faults.0.jitter=60ms", "faults[0].jitter: jitter must be >= 0 and <= latency (50ms), got 60ms"},
		{"faults.1.rate_kbps=0", "faults[1].rate_kbps: a bandwidth fault needs rate_kbps from 1 to 10000000 KB/s (got 0)"},
		{"faults.2.rate_kbps=5", "faults[2].rate_kbps: only a bandwidth fault has a rate_kbps (this is a timeout)"},
		{"faults.3.latency=1s", "faults[3].latency: only a latency fault has a latency (this is a reset-peer)"},
		{"faults.4.jitter=1ms", "faults[4].jitter: only a latency fault has a jitter"},
		{"faults.2.direction=sideways", `faults[2].direction: unknown direction "sideways" (allowed: downstream, upstream, both)`},
		{"faults.0.kind=kill", "faults[0].target: target all is for link faults only"},
	}
	for _, c := range cases {
		_, err := Load("l.yaml", []byte(withLinkFaults), reg, []string{c.set})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--set %s: got %v, want %q", c.set, err, c.want)
		}
	}
	if _, err := Load("f.yaml", []byte(withFaults), reg, []string{"faults.0.direction=upstream"}); err == nil ||
		!strings.Contains(err.Error(), "faults[0].direction: only link faults") {
		t.Errorf("direction on a kill: %v", err)
	}
}

func TestPhases(t *testing.T) {
	src := `name: p
driver: {name: memory}
destinations: [{name: t}]
workload:
  rate: 100
  window: 8
  phases:
    - {mode: sync, duration: 2s}
    - {mode: async, duration: 3s, rate: max, window: 32}
    - {name: fire, mode: oneway, duration: 1s}
`
	s, err := Load("p.yaml", []byte(src), testRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Workload
	if w.Duration != 6*time.Second || len(w.Phases) != 3 {
		t.Fatalf("duration %s, phases %+v", w.Duration, w.Phases)
	}
	ph := w.EffectivePhases()
	if ph[0].String() != "sync: sync 2s @ 100/s" || ph[1].String() != "async: async 3s @ max" || ph[1].Window != 32 ||
		ph[0].Window != 8 || ph[2].Name != "fire" {
		t.Fatalf("phases %v", ph)
	}
	b, _ := Marshal(s)
	if _, err := Load("again.yaml", b, testRegistry(), nil); err != nil {
		t.Fatalf("round trip: %v\n%s", err, b)
	}
	for set, want := range map[string]string{
		"workload.duration=9s":          "workload.duration: is 9s but the phases add up to 6s",
		"workload.phases.0.duration=0s": "workload.phases[0].duration: must be > 0",
		"workload.phases.2.name=sync":   `workload.phases[2].name: phase name "sync" used twice`,
		"workload.phases.1.mode=fast":   "workload.phases[1].mode",
		"workload.phases.0.window=0":    "workload.phases[0].window",
	} {
		if _, err := Load("p.yaml", []byte(src), testRegistry(), []string{set}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--set %s: got %v, want %q", set, err, want)
		}
	}
	one := (&Workload{Mode: 2, Rate: Rate{PerSecond: 5}, Window: 3, Duration: time.Second}).EffectivePhases()
	if len(one) != 1 || one[0].Name != "async" || one[0].Duration != time.Second {
		t.Fatalf("implicit phase %+v", one)
	}
}
