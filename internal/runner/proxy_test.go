package runner

import (
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/registry"
)

// linkCluster is a toy cluster whose one node is a local echo server, so
// the runner can put a proxy in front of it.
type linkCluster struct {
	toyCluster
	addr          string
	endpointsOnly bool
}

func (c *linkCluster) Info() compose.Info {
	return compose.Info{Backend: "toy", Nodes: c.Nodes(), EndpointsOnly: c.endpointsOnly}
}
func (c *linkCluster) Nodes() []compose.Node { return []compose.Node{{Name: "n1", Addr: c.addr}} }
func (c *linkCluster) Endpoints() []string   { return []string{"echo://" + c.addr + "/x"} }

// linkRegistry starts its linkCluster as "toy", and wraps the memory
// driver to record the endpoints it is handed.
type linkRegistry struct {
	toyRegistry
	endpoints *[]string
}

func (r linkRegistry) Driver(name string) (drivers.Factory, bool) {
	f, ok := r.Registry.Driver(name)
	if !ok || name != "memory" {
		return f, ok
	}
	open := f.Open
	f.Open = func(ctx context.Context, o drivers.Options, env drivers.Env) (drivers.Driver, error) {
		*r.endpoints = env.Endpoints
		return open(ctx, o, env)
	}
	return f, true
}

func echoListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

const withLinkFault = basic + `cluster: {backend: toy, nodes: 1, proxy: true}
faults:
  - {kind: latency, target: all, at: 300ms, for: 400ms, latency: 20ms}
  - {kind: reset-peer, target: n1, at: 500ms, direction: downstream}
`

func TestProxyLinkFaultsAreWiredRecordedAndHealed(t *testing.T) {
	echo := echoListener(t)
	var endpoints []string
	reg := linkRegistry{toyRegistry{registry.Default(), &linkCluster{addr: echo, endpointsOnly: true}}, &endpoints}
	sc := load(t, reg, withLinkFault, "workload.duration=1500ms")
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if len(endpoints) != 1 || !strings.HasPrefix(endpoints[0], "echo://127.0.0.1:") || !strings.HasSuffix(endpoints[0], "/x") ||
		strings.Contains(endpoints[0], echo) {
		t.Fatalf("driver endpoints %v (echo server %s): not rewritten to the proxy", endpoints, echo)
	}
	if s.Cluster == nil || !s.Cluster.Proxied {
		t.Errorf("cluster info does not say proxied: %+v", s.Cluster)
	}
	if len(s.Faults) != 2 {
		t.Fatalf("faults %+v", s.Faults)
	}
	l, rp := s.Faults[0], s.Faults[1]
	if l.Node != "n1" || l.Error != "" || l.HealError != "" || l.End-l.Start < 0.35 || l.End-l.Start > 1 ||
		l.Spec != "latency all at 300ms for 400ms latency 20ms" {
		t.Errorf("latency record %+v", l.Record)
	}
	if rp.Node != "n1" || rp.Error != "" || rp.HealError != "" || rp.End == 0 {
		t.Errorf("reset-peer record %+v (healed at the end of sending)", rp.Record)
	}
	// After the run the proxy is closed: nothing listens on its port.
	host := strings.TrimSuffix(strings.TrimPrefix(endpoints[0], "echo://"), "/x")
	if c, err := net.DialTimeout("tcp", host, time.Second); err == nil {
		c.Close()
		t.Errorf("the proxy %s still accepts connections after the run", host)
	}
}

func TestProxyRefusesAdvertisingCluster(t *testing.T) {
	var endpoints []string
	reg := linkRegistry{toyRegistry{registry.Default(), &linkCluster{addr: echoListener(t)}}, &endpoints}
	sc := load(t, reg, withLinkFault)
	res, err := Run(context.Background(), sc, Options{ResultsDir: t.TempDir(), Registry: reg})
	if err == nil || !strings.Contains(err.Error(), "the toy cluster cannot be proxied") {
		t.Fatalf("proxy in front of a cluster that advertises addresses: %v", err)
	}
	if res == nil || res.Summary == nil || res.Summary.Complete {
		t.Errorf("the run should be recorded as failed: %+v", res)
	}
}
