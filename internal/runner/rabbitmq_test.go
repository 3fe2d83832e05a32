package runner

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/compose/netns"
	rabbitlocal "github.com/brokerbench/brokerbench/compose/rabbitmq"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

// requireRabbitMQ skips when rabbitmq-server is not installed — except in
// CI (CI=true), where the test must run.
func requireRabbitMQ(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(rabbitlocal.DefaultServer); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("rabbitmq-server is not installed (%v); CI must install it (.ci/install-rabbitmq.sh)", err)
		}
		t.Skipf("rabbitmq-server is not installed (%v): apt-get install rabbitmq-server", err)
	}
}

// TestRabbitMQQuorumLeaderKillScenario runs the bundled scenario, shortened,
// against a real 3-node RabbitMQ cluster the harness starts: the quorum
// queue's leader is killed mid-run and restarted. No confirmed message
// may be lost; the fault must be recorded, healed and measured, and
// nothing may be left running.
func TestRabbitMQQuorumLeaderKillScenario(t *testing.T) {
	requireRabbitMQ(t)
	reg := registry.Default()
	src, _ := scenarios.BundledSource("rabbitmq-quorum-leader-kill")
	sc := load(t, reg, string(src), "workload.duration=12s", "workload.warmup=1s",
		"faults.0.at=4s", "faults.0.for=4s", "workload.drain_quiet=3s")
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("leader kill: %s", failed(s))
	}
	if len(s.Faults) != 1 {
		t.Fatalf("faults %+v", s.Faults)
	}
	f := s.Faults[0]
	if !strings.HasPrefix(f.Node, "rabbit") || f.Error != "" || f.HealError != "" || f.End-f.Start < 3.5 {
		t.Fatalf("fault record %+v", f.Record)
	}
	if f.FirstAckAfterS == nil {
		t.Errorf("no ack after the leader kill: the cluster never recovered")
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered < s.Counts.Acked {
		t.Errorf("counts %+v", s.Counts)
	}
	if len(s.Events) == 0 {
		t.Errorf("the driver recorded no event (reconnects, nacks) across a leader kill")
	}
	assertCleanEnd(t, res.Dir)
	t.Logf("sent %d acked %d failed %d unknown %d; first ack %.3fs after the kill; %d driver events",
		s.Counts.Sent, s.Counts.Acked, s.Counts.Failed, s.Counts.Unknown, *f.FirstAckAfterS, len(s.Events))
}

// TestRabbitMQQuorumPartitionScenario runs the bundled partition scenario,
// shortened (net_ticktime 3s, the leader isolated for 10s), against a real
// 3-node RabbitMQ cluster in network namespaces: no confirmed message may
// be lost, the fault must be recorded with its split and healed, and no
// namespace, rule or process may be left.
func TestRabbitMQQuorumPartitionScenario(t *testing.T) {
	requireRabbitMQ(t)
	if err := netns.Check(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and network namespaces are unavailable: %v", err)
		}
		t.Skip(err)
	}
	reg := registry.Default()
	src, _ := scenarios.BundledSource("rabbitmq-quorum-partition")
	sc := load(t, reg, string(src), "workload.duration=20s", "workload.warmup=1s",
		"cluster.options.net_ticktime=3", "faults.0.at=4s", "faults.0.for=10s", "workload.drain_quiet=3s")
	res := runIt(t, context.Background(), reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("partition: %s", failed(s))
	}
	if len(s.Faults) != 1 {
		t.Fatalf("faults %+v", s.Faults)
	}
	f := s.Faults[0]
	if !strings.HasPrefix(f.Node, "rabbit") || f.Error != "" || f.HealError != "" || f.End-f.Start < 9.5 ||
		!strings.Contains(f.Detail, "{"+f.Node+"} | {") {
		t.Fatalf("fault record %+v", f.Record)
	}
	if f.FirstAckAfterS == nil {
		t.Errorf("no ack after the partition began: the cluster never served again")
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered < s.Counts.Acked {
		t.Errorf("counts %+v", s.Counts)
	}
	for _, nd := range s.Cluster.Nodes {
		if !strings.HasPrefix(nd.Addr, "10.213.") {
			t.Errorf("node %s at %s: not in a namespace", nd.Name, nd.Addr)
		}
	}
	assertCleanEnd(t, res.Dir)
	t.Logf("isolated %s (%s); sent %d acked %d failed %d unknown %d; first ack %.3fs after; %d driver events",
		f.Node, f.Detail, s.Counts.Sent, s.Counts.Acked, s.Counts.Failed, s.Counts.Unknown, *f.FirstAckAfterS, len(s.Events))
}
