package registry

import (
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/scenarios"
)

// partitionScenario is a rabbitmq-local scenario with one network fault;
// tests vary it with --set.
const partitionScenario = `name: p
driver: {name: rabbitmq}
cluster:
  backend: rabbitmq-local
  nodes: 3
  options: {netns: true}
destinations: [{name: q}]
workload: {rate: 10, duration: 20s}
faults:
  - kind: isolate
    target: rabbit1
    at: 5s
    for: 5s
`

// TestNetworkFaultValidation checks that network faults are validated
// against the real backends: which backend, which options, which sizes.
func TestNetworkFaultValidation(t *testing.T) {
	reg := Default()
	if _, err := scenarios.Load("p.yaml", []byte(partitionScenario), reg, nil); err != nil {
		t.Fatalf("valid network fault refused: %v", err)
	}
	cases := []struct {
		set  []string
		want string // "" = valid
	}{
		{[]string{"cluster.options.netns=false"}, "p.yaml:10: faults[0].kind: the rabbitmq-local cluster backend cannot do isolate faults: its nodes share the loopback address: set cluster.options.netns: true"},
		{[]string{"faults.0.kind=partition"}, "faults[0].target: a partition acts on the whole cluster (a seeded random split): leave out target (got rabbit1)"},
		{[]string{"faults.0.kind=packet-loss"}, "faults[0].loss: a packet-loss fault needs loss in (0, 1]"},
		{[]string{"faults.0.kind=packet-loss", "faults.0.loss=0.3"}, ""},
		{[]string{"faults.0.loss=0.3"}, "faults[0].loss: only a packet-loss fault has a loss (this is a isolate)"},
		{[]string{"faults.0.kind=bridge", "faults.0.target=", "cluster.nodes=2"}, ""}, // target= is an error too; checked below
		{[]string{"faults.0.kind=one-way-drop", "cluster.nodes=1"}, "faults[0].kind: a one-way-drop needs a cluster of at least 2 nodes (cluster.nodes is 1)"},
		{[]string{"faults.0.kind=leader-move", "faults.0.target={leader-of: q}", "faults.0.for=0s"}, "the rabbitmq-local cluster backend cannot do leader-move faults"},
	}
	for _, c := range cases {
		_, err := scenarios.Load("p.yaml", []byte(partitionScenario), reg, c.set)
		switch {
		case c.want == "" && strings.Contains(strings.Join(c.set, " "), "cluster.nodes=2"):
			if err == nil || !strings.Contains(err.Error(), "a bridge needs a cluster of at least 3 nodes") {
				t.Errorf("%v: got %v, want the bridge size error", c.set, err)
			}
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.set, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: got %v\nwant %q", c.set, err, c.want)
		}
	}
	// kfake has no traffic between nodes to cut.
	kf := strings.NewReplacer("rabbitmq-local", "kfake", "{name: rabbitmq}", "{name: kafka}", "options: {netns: true}", "options: {}",
		"rabbit1", "kfake-1").Replace(partitionScenario)
	_, err := scenarios.Load("k.yaml", []byte(kf), reg, nil)
	if err == nil || !strings.Contains(err.Error(), "the kfake cluster backend cannot do isolate faults: kfake's nodes share one store") {
		t.Errorf("kfake partition: %v", err)
	}
}
