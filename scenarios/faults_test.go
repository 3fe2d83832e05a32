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
		{"faults.0.kind=explode", `faults[0].kind: unknown fault kind "explode" (allowed: kill, stop, pause, restart, leader-move)`},
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
