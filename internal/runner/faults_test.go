package runner

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/registry"
)

// toyCluster is a cluster backend for wiring tests: its nodes are names,
// and it records what the nemesis did to them. (The memory broker keeps
// running: real effects are tested with kfake and RabbitMQ.)
type toyCluster struct {
	mu    sync.Mutex
	calls []string
}

type toyOptions struct{}

func (*toyOptions) Validate() []drivers.OptionError { return nil }

func (c *toyCluster) Info() compose.Info {
	return compose.Info{Backend: "toy", StandIn: "toy cluster", Nodes: c.Nodes()}
}
func (c *toyCluster) Nodes() []compose.Node                          { return []compose.Node{{Name: "n1"}, {Name: "n2"}} }
func (c *toyCluster) Endpoints() []string                            { return []string{"toy:1"} }
func (c *toyCluster) Close(context.Context) error                    { c.record("close"); return nil }
func (c *toyCluster) Kill(_ context.Context, n string) error         { c.record("kill " + n); return nil }
func (c *toyCluster) Stop(_ context.Context, n string) error         { c.record("stop " + n); return nil }
func (c *toyCluster) Pause(_ context.Context, n string) error        { c.record("pause " + n); return nil }
func (c *toyCluster) Resume(_ context.Context, n string) error       { c.record("resume " + n); return nil }
func (c *toyCluster) Start(_ context.Context, n string) error        { c.record("start " + n); return nil }
func (c *toyCluster) Leader(context.Context, string) (string, error) { return "n2", nil }

func (c *toyCluster) record(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = append(c.calls, s)
}

// toyRegistry is the real registry plus a "toy" cluster backend that
// starts cluster.
type toyRegistry struct {
	*registry.Registry
	cluster compose.Cluster
}

func (r toyRegistry) Cluster(name string) (compose.Factory, bool) {
	if name != "toy" {
		return r.Registry.Cluster(name)
	}
	return compose.Factory{Name: "toy", Options: func() drivers.Options { return &toyOptions{} },
		Start: func(context.Context, int, drivers.Options, compose.Env) (compose.Cluster, error) {
			return r.cluster, nil
		}}, true
}

func (r toyRegistry) ClusterNames() []string { return append(r.Registry.ClusterNames(), "toy") }

const withToyFaults = basic + `cluster: {backend: toy, nodes: 2}
faults:
  - {kind: pause, target: n1, at: 300ms, for: 300ms}
  - {kind: kill, target: {leader-of: t/0}, at: 700ms}
`

func TestFaultScheduleIsRecordedAndHealed(t *testing.T) {
	toy := &toyCluster{}
	reg := toyRegistry{registry.Default(), toy}
	sc := load(t, reg, withToyFaults, "workload.duration=1500ms")
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if got := strings.Join(toy.calls, ", "); got != "pause n1, resume n1, kill n2, start n2, close" {
		t.Fatalf("cluster calls: %s", got)
	}
	if len(s.Faults) != 2 {
		t.Fatalf("faults in summary: %+v", s.Faults)
	}
	p, k := s.Faults[0], s.Faults[1]
	if p.Node != "n1" || p.End-p.Start < 0.25 || p.End-p.Start > 1 {
		t.Errorf("pause record %+v", p.Record)
	}
	if k.Node != "n2" || k.End == 0 || k.Target != "leader-of t/0" {
		t.Errorf("kill record %+v (healed at the end of sending)", k.Record)
	}
	if p.During.SendRate < 1000 || p.Before.SendRate < 1000 || p.FirstAckAfterS == nil || *p.FirstAckAfterS > 0.1 {
		t.Errorf("pause windows: before %+v during %+v first ack %v", p.Before, p.During, p.FirstAckAfterS)
	}
	if s.Cluster == nil || s.Cluster.Backend != "toy" || s.Driver.StandIn != "in-process test double, not a real broker" {
		t.Errorf("cluster %+v driver %+v", s.Cluster, s.Driver)
	}
}

func TestInterruptHealsFaults(t *testing.T) {
	toy := &toyCluster{}
	reg := toyRegistry{registry.Default(), toy}
	sc := load(t, reg, withToyFaults, "workload.duration=30s", "faults.0.for=20s")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(time.Second, cancel)
	res := runIt(t, ctx, reg, sc)
	if !res.Summary.Interrupted {
		t.Fatal("not interrupted")
	}
	if got := strings.Join(toy.calls, ", "); got != "pause n1, kill n2, start n2, resume n1, close" {
		t.Fatalf("cluster calls after Ctrl-C: %s", got)
	}
}
