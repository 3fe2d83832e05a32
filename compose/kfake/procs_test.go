package kfake_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/kfake"
)

// startProcesses starts a processes-mode kfake cluster (a stand-in, not
// Apache Kafka) whose serve processes are this test binary (see TestMain).
func startProcesses(t *testing.T, nodes int) (*kfake.Processes, string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := kfake.StartProcesses(ctx, nodes, nil, compose.Env{Dir: dir, Self: self})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c, dir
}

// TestProcessesKillStartMove is the node test of the in-process cluster
// on separate processes.
func TestProcessesKillStartMove(t *testing.T) {
	c, _ := startProcesses(t, 3)
	testKillStartMove(t, c)
}

// TestProcessesKill9AndCleanup kills a node process with SIGKILL from
// outside (as a process fault would, by pid), checks that the cluster
// notices and that Start restarts it, then that Close leaves no process
// and no directory behind.
func TestProcessesKill9AndCleanup(t *testing.T) {
	c, dir := startProcesses(t, 3)
	createTopic(t, c, "t", 3)
	nodes := c.Nodes()
	pids := []int{c.CorePID()}
	for _, n := range nodes {
		if n.PID <= 0 {
			t.Fatalf("node %s has no pid: %+v", n.Name, n)
		}
		pids = append(pids, n.PID)
	}
	for _, pid := range pids { // what `brokerbench heal` matches a journaled pid by
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err != nil || !strings.Contains(string(b), dir) {
			t.Errorf("pid %d: command line %q lacks the cluster dir %s (%v)", pid, b, dir, err)
		}
	}
	victim := leaders(t, c, "t", 1)[0]
	var vpid int
	for _, n := range nodes {
		if n.Name == victim {
			vpid = n.PID
		}
	}
	if err := syscall.Kill(vpid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "the cluster to move t/0 off the killed node", func() bool {
		return leaders(t, c, "t", 1)[0] != victim && pidOf(c, victim) == 0
	})
	if !refused(addrOf(t, c, victim)) {
		t.Errorf("killed node %s still accepts connections", victim)
	}
	if err := c.Start(context.Background(), victim); err != nil {
		t.Fatal(err)
	}
	newPID := pidOf(c, victim)
	if newPID == 0 || newPID == vpid || refused(addrOf(t, c, victim)) {
		t.Fatalf("restarted %s: pid %d (was %d), refused %v", victim, newPID, vpid, refused(addrOf(t, c, victim)))
	}
	pids = append(pids, newPID)
	if err := c.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("pid %d still exists after Close (kill 0: %v)", pid, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(left) != 0 {
		t.Errorf("Close left %v behind", left)
	}
}

func pidOf(c compose.Cluster, node string) int {
	for _, n := range c.Nodes() {
		if n.Name == node {
			return n.PID
		}
	}
	return -1
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestProcessesPauseResume SIGSTOPs a node process: a client's request to
// it times out; after Resume it is answered again.
func TestProcessesPauseResume(t *testing.T) {
	c, _ := startProcesses(t, 3)
	ctx := context.Background()
	addr := addrOf(t, c, "kfake-1")
	if err := c.Pause(ctx, "kfake-1"); err != nil {
		t.Fatal(err)
	}
	if err := answers(addr, 500*time.Millisecond); err == nil {
		t.Error("a paused node answered")
	}
	if err := c.Resume(ctx, "kfake-1"); err != nil {
		t.Fatal(err)
	}
	if err := answers(addr, 5*time.Second); err != nil {
		t.Errorf("resumed node: %v", err)
	}
	if err := c.Start(ctx, "kfake-1"); err != nil {
		t.Errorf("Start of a running node: %v", err)
	}
	// Close (in the cleanup) must also end a paused node.
	if err := c.Pause(ctx, "kfake-2"); err != nil {
		t.Fatal(err)
	}
}

// answers reports whether the broker at addr answers a metadata request
// within d.
func answers(addr string, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	conn, err := (&kafka.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(d))
	_, err = conn.Brokers()
	return err
}
