package rabbitmq_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/rabbitmq"
)

// procState returns the state letter of pid from /proc (R, S, T, ...), or
// "" when it is gone.
func procState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	return f[0]
}

// waitState polls pid's state (bounded by 2 s) until it is want; it
// returns the last state seen.
func waitState(pid int, want string) string {
	var st string
	for range 200 {
		if st = procState(pid); st == want {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	return st
}

// dial connects to endpoint with a short timeout.
func dial(t *testing.T, endpoint string) *amqp.Connection {
	t.Helper()
	conn, err := amqp.DialConfig(endpoint, amqp.Config{Dial: amqp.DefaultDial(5 * time.Second)})
	if err != nil {
		t.Fatalf("dial %s: %v", endpoint, err)
	}
	t.Cleanup(func() { conn.CloseDeadline(time.Now().Add(2 * time.Second)) })
	return conn
}

// declare declares a durable queue of type qtype through conn.
func declare(t *testing.T, conn *amqp.Connection, name, qtype string) {
	t.Helper()
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	defer ch.Close()
	if _, err := ch.QueueDeclare(name, true, false, false, false, amqp.Table{"x-queue-type": qtype}); err != nil {
		t.Fatalf("declaring %s queue %s: %v", qtype, name, err)
	}
}

func TestClusterShape(t *testing.T) {
	needRabbit(t)
	info := shared.Info()
	if info.Backend != "rabbitmq-local" || info.StandIn != "" || !strings.HasPrefix(info.Version, "3.") {
		t.Errorf("Info() = %+v", info)
	}
	nodes := shared.Nodes()
	eps := shared.Endpoints()
	if len(nodes) != 3 || len(eps) != 3 {
		t.Fatalf("%d nodes, %d endpoints, want 3", len(nodes), len(eps))
	}
	for i, n := range nodes {
		if n.Name != fmt.Sprintf("rabbit%d", i+1) || n.PID == 0 || !strings.HasPrefix(n.Addr, "127.0.0.1:") {
			t.Errorf("node %d = %+v", i, n)
		}
		if st, err := os.Stat(n.DataDir); err != nil || !st.IsDir() {
			t.Errorf("node %s data dir %s: %v", n.Name, n.DataDir, err)
		}
		if !strings.HasSuffix(eps[i], n.Addr+"/") || !strings.HasPrefix(eps[i], "amqp://guest:guest@") {
			t.Errorf("endpoint %d = %s, node addr %s", i, eps[i], n.Addr)
		}
		conn := dial(t, eps[i])
		if v, _ := conn.Properties["version"].(string); v != info.Version {
			t.Errorf("node %s says version %q, cluster %q", n.Name, v, info.Version)
		}
	}
	// The cluster is one: a queue declared on node 1 is visible on node 3.
	declare(t, dial(t, eps[0]), "shape-q", "quorum")
	ch, err := dial(t, eps[2]).Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclarePassive("shape-q", true, false, false, false, amqp.Table{"x-queue-type": "quorum"}); err != nil {
		t.Errorf("queue declared on rabbit1 not visible on rabbit3: %v", err)
	}
}

// TestKillLeaderAndRestart kills the node leading a quorum queue, sees a
// new leader elected, restarts the node and sees it back.
func TestKillLeaderAndRestart(t *testing.T) {
	needRabbit(t)
	ctx := context.Background()
	eps := shared.Endpoints()
	declare(t, dial(t, eps[1]), "kill-q", "quorum") // leader: the declaring client's node, rabbit2
	declare(t, dial(t, eps[0]), "kill-classic", "classic")
	if got, err := shared.Leader(ctx, "kill-classic"); err != nil || got != "rabbit1" {
		t.Errorf("Leader(classic queue) = %q, %v; want rabbit1", got, err)
	}
	leader, err := shared.Leader(ctx, "kill-q")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("leader of kill-q: %s", leader)
	old := pidOf(shared.Nodes(), leader)
	t0 := time.Now()
	if err := shared.Kill(ctx, leader); err != nil {
		t.Fatal(err)
	}
	t.Logf("kill took %v", time.Since(t0))
	if st := procState(old); st != "" && st != "Z" {
		t.Errorf("beam %d of killed %s is in state %s", old, leader, st)
	}
	if pid := pidOf(shared.Nodes(), leader); pid != 0 {
		t.Errorf("killed node still has pid %d", pid)
	}
	if err := shared.Kill(ctx, leader); err != nil {
		t.Errorf("killing a dead node again: %v", err)
	}
	newLeader := waitLeader(t, "kill-q", func(l string) bool { return l != leader })
	t.Logf("new leader %s after %v", newLeader, time.Since(t0))
	t1 := time.Now()
	if err := shared.Start(ctx, leader); err != nil {
		t.Fatal(err)
	}
	t.Logf("restart of %s took %v", leader, time.Since(t1))
	if pid := pidOf(shared.Nodes(), leader); pid == 0 || pid == old {
		t.Errorf("restarted node has pid %d (old %d)", pid, old)
	}
	dial(t, eps[nodeIndex(leader)])
}

func TestPauseResume(t *testing.T) {
	needRabbit(t)
	ctx := context.Background()
	pid := pidOf(shared.Nodes(), "rabbit3")
	if err := shared.Pause(ctx, "rabbit3"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { shared.Resume(ctx, "rabbit3") })
	if st := waitState(pid, "T"); st != "T" {
		t.Errorf("paused beam %d in state %q, want T", pid, st)
	}
	_, err := amqp.DialConfig(shared.Endpoints()[2], amqp.Config{Dial: amqp.DefaultDial(time.Second)})
	if err == nil {
		t.Error("a paused node completed an AMQP handshake")
	}
	if _, err := shared.Leader(ctx, "no-such-queue"); err == nil || !strings.Contains(err.Error(), "no queue") {
		t.Errorf("Leader with a paused node: %v (want the answer of a running node)", err)
	}
	if err := shared.Resume(ctx, "rabbit3"); err != nil {
		t.Fatal(err)
	}
	if st := waitState(pid, "S"); st == "T" || st == "" {
		t.Errorf("resumed beam %d in state %q", pid, st)
	}
	dial(t, shared.Endpoints()[2])
}

func TestStopAndStart(t *testing.T) {
	needRabbit(t)
	ctx := context.Background()
	t0 := time.Now()
	if err := shared.Stop(ctx, "rabbit2"); err != nil {
		t.Fatal(err)
	}
	t.Logf("graceful stop took %v", time.Since(t0))
	if pid := pidOf(shared.Nodes(), "rabbit2"); pid != 0 {
		t.Errorf("stopped node has pid %d", pid)
	}
	if err := shared.Pause(ctx, "rabbit2"); err == nil {
		t.Error("pausing a stopped node succeeded")
	}
	if err := shared.Start(ctx, "rabbit2"); err != nil {
		t.Fatal(err)
	}
	dial(t, shared.Endpoints()[1])
	if err := shared.Kill(ctx, "rabbit9"); err == nil {
		t.Error("killing an unknown node succeeded")
	}
}

// TestCloseLeavesNothing starts its own 1-node cluster and checks that
// Close leaves no process and no directory behind.
func TestCloseLeavesNothing(t *testing.T) {
	needRabbit(t)
	parent := t.TempDir()
	c, err := rabbitmq.Start(context.Background(), 1, nil, compose.Env{Dir: parent})
	if err != nil {
		t.Fatal(err)
	}
	dir := c.Dir()
	t.Cleanup(func() { c.Close(context.Background()) })
	if left := rabbitmq.ProcessesUnder(dir); len(left) < 3 { // watchdog, epmd, script, beam, helpers
		t.Errorf("only %v run under %s before Close", left, dir)
	}
	if err := c.Pause(context.Background(), "rabbit1"); err != nil { // Close must stop a paused node too
		t.Fatal(err)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if left := rabbitmq.ProcessesUnder(dir); len(left) > 0 {
		t.Errorf("processes left after Close: %v", left)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cluster dir %s still there: %v", dir, err)
	}
	if err := c.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := c.Kill(context.Background(), "rabbit1"); err == nil {
		t.Error("Kill after Close succeeded")
	}
}

func pidOf(nodes []compose.Node, name string) int {
	for _, n := range nodes {
		if n.Name == name {
			return n.PID
		}
	}
	return -1
}

func nodeIndex(name string) int {
	var i int
	fmt.Sscanf(name, "rabbit%d", &i)
	return i - 1
}

// waitLeader polls Leader until ok accepts the answer (bounded by 60 s).
func waitLeader(t *testing.T, queue string, ok func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		l, err := shared.Leader(context.Background(), queue)
		if err == nil && ok(l) {
			return l
		}
		if time.Now().After(deadline) {
			t.Fatalf("leader of %s: last %q, %v", queue, l, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
