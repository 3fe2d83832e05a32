package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

// TestRocketMQOrderedBrokerCrashScenario runs the bundled scenario,
// shortened, on the rocketmq-test cluster (brokerbench's RocketMQ-protocol
// test double, not Apache RocketMQ): broker-b is killed mid-run and
// started again. Ordered sends to its queues must fail while it is down
// (failed sends and affected keys, but not every key), none may be
// reordered or lost, its keys must be acked again after the restart, and
// nothing the cluster started may still listen. Skipped under -race:
// rocketmq-client-go v2.1.2's push consumer races in its own code (see
// drivers/rocketmq); .ci/run runs this test without -race.
func TestRocketMQOrderedBrokerCrashScenario(t *testing.T) {
	if raceEnabled {
		t.Skip("push consumers skipped under -race: data race inside rocketmq-client-go v2.1.2; run without -race")
	}
	reg := registry.Default()
	src, _ := scenarios.BundledSource("rocketmq-ordered-broker-crash")
	sc := load(t, reg, string(src), "workload.duration=10s", "workload.warmup=1s", "workload.rate=300",
		"faults.0.at=3s", "faults.0.for=3s")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res := runIt(t, ctx, reg, sc)
	s := res.Summary
	if !s.Passed {
		t.Fatalf("ordered broker crash: %s", failed(s))
	}
	if s.Cluster == nil || !strings.Contains(s.Cluster.StandIn, "NOT Apache RocketMQ") || !strings.Contains(s.Driver.StandIn, "NOT Apache RocketMQ") {
		t.Errorf("a rocketmq-test run must be labelled a stand-in: cluster %+v, driver %+v", s.Cluster, s.Driver)
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered < s.Counts.Acked {
		t.Errorf("counts %+v: want acked sends, all delivered", s.Counts)
	}
	if len(s.Faults) != 1 {
		t.Fatalf("faults %+v", s.Faults)
	}
	f := s.Faults[0]
	if f.Node != "broker-b" || f.Error != "" || f.HealError != "" || f.End-f.Start < 2.5 {
		t.Fatalf("fault record %+v", f.Record)
	}
	if f.During.Failed == 0 {
		t.Errorf("no failed send while broker-b was down: %+v", f.During)
	}
	if f.KeysAffected == 0 || f.KeysAffected >= 16 || len(f.KeysAffectedFirst) == 0 {
		t.Errorf("keys affected %d %v: want some of the 16 keys (those on broker-b), not all", f.KeysAffected, f.KeysAffectedFirst)
	}
	if c := s.Checks["reorder"]; c == nil || c.Count != 0 {
		t.Errorf("reorder check %+v", c)
	}
	if c := s.Checks["lost"]; c == nil || c.Count != 0 {
		t.Errorf("lost check %+v", c)
	}
	if f.After.To > f.After.From && f.After.AckRate < 0.9*f.After.SendRate {
		t.Errorf("after the restart acks %.0f/s of %.0f/s sent: broker-b's keys did not come back", f.After.AckRate, f.After.SendRate)
	}
	addrs := append([]string(nil), s.Driver.Nodes...) // the name server
	for _, n := range s.Cluster.Nodes {
		addrs = append(addrs, n.Addr)
	}
	for _, a := range addrs {
		if c, err := net.DialTimeout("tcp", a, time.Second); err == nil {
			_ = c.Close()
			t.Errorf("%s still listens after the run", a)
		}
	}
	assertCleanEnd(t, res.Dir)
	t.Logf("sent %d acked %d failed %d unknown %d; %d keys affected %v; drain %.1fs",
		s.Counts.Sent, s.Counts.Acked, s.Counts.Failed, s.Counts.Unknown, f.KeysAffected, f.KeysAffectedFirst, s.Drain.Seconds)
}

// TestRocketMQModesScenario runs the bundled rocketmq-modes, shortened, on
// the rocketmq-test cluster (the project's RocketMQ-protocol test double,
// not Apache RocketMQ): one phase per send mode and message kind — sync,
// async, oneway, ordered, delayed, transactional, batch — must pass every
// expectation (no loss, no duplicate, no reorder, no rolled-back message
// delivered, no delayed message delivered early), and the driver's
// counters must show the transactions and batches. Skipped under -race
// (see TestRocketMQOrderedBrokerCrashScenario).
func TestRocketMQModesScenario(t *testing.T) {
	if raceEnabled {
		t.Skip("push consumers skipped under -race: data race inside rocketmq-client-go v2.1.2; run without -race")
	}
	reg := registry.Default()
	src, _ := scenarios.BundledSource("rocketmq-modes")
	sets := []string{"cluster.backend=rocketmq-test", "cluster.nodes=1",
		"driver.options.name_servers=[]", "driver.options.broker_addrs=[]", "driver.options.batch.linger=50ms",
		"workload.warmup=500ms", "workload.drain_quiet=2s", "workload.rate=400"}
	for i := range 7 {
		sets = append(sets, fmt.Sprintf("workload.phases.%d.duration=2s", i), fmt.Sprintf("workload.phases.%d.rate=200", i))
	}
	// Batches group messages per key (ordered: true): give the batch
	// phase enough messages per key and linger to fill batches.
	sets = append(sets, "workload.phases.6.rate=2000")
	sc := load(t, reg, string(src), sets...)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	res := runIt(t, ctx, reg, sc)
	s := res.Summary
	if !s.Passed {
		b, _ := json.MarshalIndent(s.Checks, "", " ")
		t.Fatalf("rocketmq-modes: %s\n%s", failed(s), b)
	}
	if len(s.Phases) != 7 {
		t.Fatalf("%d phases, want 7", len(s.Phases))
	}
	for _, ph := range s.Phases {
		if ph.AckRate == 0 && ph.Mode != "oneway" {
			t.Errorf("phase %s: nothing acked: %+v", ph.Name, ph)
		}
	}
	c := s.DriverCounters
	if c["tx_commit"] == 0 || c["tx_rollback"] == 0 || c["batches_sent"] == 0 || c["batch_messages"] <= c["batches_sent"] {
		t.Errorf("driver counters %v: want transactions committed and rolled back, and batches of several messages", c)
	}
	if s.Delayed == nil || s.Delayed.Delivered == 0 || s.Delayed.Early != 0 {
		t.Errorf("delayed section %+v: want delayed deliveries, none early", s.Delayed)
	}
	if s.Counts.Failed == 0 {
		t.Errorf("no failed send: the rolled-back transactions must count as failed (%+v)", s.Counts)
	}
	t.Logf("counts %+v; counters %v", s.Counts, c)
}
