package kfake_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/kfake"
)

// cluster is what the node tests need of both kinds of cluster.
type cluster interface {
	compose.Cluster
	compose.NodeController
	compose.LeaderFinder
	compose.LeaderMover
}

// createTopic creates topic with partitions through node 0.
func createTopic(t *testing.T, c cluster, topic string, partitions int) {
	t.Helper()
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	cl := &kafka.Client{Addr: kafka.TCP(c.Endpoints()...), Transport: tr}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := cl.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: []kafka.TopicConfig{
		{Topic: topic, NumPartitions: partitions, ReplicationFactor: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := resp.Errors[topic]; err != nil {
		t.Fatal(err)
	}
}

// leaders returns the leader node name of every partition of topic.
func leaders(t *testing.T, c cluster, topic string, partitions int) []string {
	t.Helper()
	out := make([]string, partitions)
	for p := range out {
		n, err := c.Leader(context.Background(), topic+"/"+itoa(p))
		if err != nil {
			t.Fatal(err)
		}
		out[p] = n
	}
	return out
}

func itoa(i int) string { return string(rune('0' + i)) }

// addrOf returns the client address of node.
func addrOf(t *testing.T, c cluster, node string) string {
	t.Helper()
	for _, n := range c.Nodes() {
		if n.Name == node {
			return n.Addr
		}
	}
	t.Fatalf("no node %s in %+v", node, c.Nodes())
	return ""
}

// refused reports whether nothing accepts connections at addr.
func refused(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return true
	}
	conn.Close()
	return false
}

// TestInProcessKillStartMove kills the leader of t/0 on a 3-node
// in-process kfake cluster (a stand-in, not Apache Kafka): its port
// refuses, an open connection to it is reset, only its partitions change
// leader; Start brings it back leading nothing; MoveLeader moves t/0.
func TestInProcessKillStartMove(t *testing.T) {
	c, err := kfake.StartInProcess(3, nil, compose.Env{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	testKillStartMove(t, c)
}

func testKillStartMove(t *testing.T, c cluster) {
	ctx := context.Background()
	const parts = 6
	createTopic(t, c, "t", parts)
	before := leaders(t, c, "t", parts)
	victim := before[0]
	open, err := net.Dial("tcp", addrOf(t, c, victim))
	if err != nil {
		t.Fatal(err)
	}
	defer open.Close()
	if err := c.Kill(ctx, victim); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(ctx, victim); err != nil {
		t.Fatalf("killing a dead node: %v", err)
	}
	_ = open.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := open.Read(make([]byte, 1)); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("open connection to the killed node: read %v, want reset/EOF", err)
	}
	if !refused(addrOf(t, c, victim)) {
		t.Errorf("killed node %s still accepts connections", victim)
	}
	after := leaders(t, c, "t", parts)
	for p := range parts {
		switch {
		case before[p] == victim && after[p] == victim:
			t.Errorf("t/%d still led by the killed node", p)
		case before[p] != victim && after[p] != before[p]:
			t.Errorf("t/%d moved from live %s to %s", p, before[p], after[p])
		}
	}
	if err := c.Start(ctx, victim); err != nil {
		t.Fatal(err)
	}
	if refused(addrOf(t, c, victim)) {
		t.Errorf("restarted node %s refuses connections", victim)
	}
	if again := leaders(t, c, "t", parts); !equal(again, after) {
		t.Errorf("leaders changed on restart: %v, want %v", again, after)
	}
	if err := c.MoveLeader(ctx, "t/0", victim); err != nil {
		t.Fatal(err)
	}
	if got := leaders(t, c, "t", 1)[0]; got != victim {
		t.Errorf("t/0 led by %s after moving it to %s", got, victim)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
