package runner

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/internal/registry"
)

// rocketmqBroadcast is a short run of two broadcasting push consumers on
// the rocketmq-test cluster (the project's RocketMQ-protocol test double,
// not Apache RocketMQ).
const rocketmqBroadcast = `
name: rocketmq-broadcast
driver:
  name: rocketmq
  options: {consumer: {model: broadcasting}}
cluster: {backend: rocketmq-test, nodes: 1}
destinations: [{name: bc, partitions: 4}]
workload:
  producers: 1
  consumers: 2
  mode: sync
  rate: 300
  keys: none
  duration: 2s
  warmup: 500ms
  drain_quiet: 2s
  drain_timeout: 60s
expect: {lost: 0, unseen: 0, duplicate: 0, unexpected: 0}
`

// TestRocketMQBroadcastingRun: each of the two broadcasting consumers gets
// every message once, so the run passes with nothing lost and nothing
// duplicated, and every acked message counts once per subscriber.
// Skipped under -race (see TestRocketMQOrderedBrokerCrashScenario).
func TestRocketMQBroadcastingRun(t *testing.T) {
	if raceEnabled {
		t.Skip("push consumers skipped under -race: data race inside rocketmq-client-go v2.1.2; run without -race")
	}
	reg := registry.Default()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	res := runIt(t, ctx, reg, load(t, reg, rocketmqBroadcast))
	s := res.Summary
	if !s.Passed || !s.Workload.Broadcast {
		b, _ := json.MarshalIndent(s.Checks, "", " ")
		t.Fatalf("passed %v broadcast %v: %s\n%s", s.Passed, s.Workload.Broadcast, failed(s), b)
	}
	if s.Counts.Acked == 0 || s.Counts.Delivered != 2*s.Counts.Acked {
		t.Errorf("counts %+v: want delivered = 2 × acked", s.Counts)
	}
	if len(s.Subscribers) != 2 {
		t.Fatalf("subscribers %+v", s.Subscribers)
	}
	for i, sub := range s.Subscribers {
		if sub.Delivered != s.Counts.Acked {
			t.Errorf("subscriber %d got %d of %d acked", i, sub.Delivered, s.Counts.Acked)
		}
	}
	assertCleanEnd(t, res.Dir)
}
