package faults

import (
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHealAfterCrash plays a crashed run: a "cluster process" (a shell
// whose command line holds the cluster directory) was started and paused,
// and the harness died without healing. Heal must resume and kill it, and
// must not touch a process whose command line does not match.
func TestHealAfterCrash(t *testing.T) {
	dir := t.TempDir()
	match := filepath.Join(dir, "cluster")
	node := exec.Command("sh", "-c", "sleep 30; : "+match)
	other := exec.Command("sh", "-c", "sleep 30; : not-ours")
	for _, c := range []*exec.Cmd{node, other} {
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { other.Process.Kill(); other.Wait(); node.Process.Kill(); node.Wait() })
	if err := syscall.Kill(node.Process.Pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	j.Append(Entry{Op: OpProcess, PID: node.Process.Pid, Node: "n1", Match: match})
	j.Append(Entry{Op: OpProcess, PID: other.Process.Pid, Node: "n2", Match: match}) // recycled pid
	j.Append(Entry{Op: OpFaultStart, Index: 0, Kind: "pause", Node: "n1", PID: node.Process.Pid})
	j.Close() // the harness "crashes" here

	did, err := Heal(dir)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(did, "\n")
	if !strings.Contains(text, "resumed paused node n1") || !strings.Contains(text, "killed left-over cluster process") {
		t.Fatalf("heal did: %q", text)
	}
	done := make(chan error, 1)
	go func() { done <- node.Wait() }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the paused node is still running after heal")
	}
	if err := syscall.Kill(other.Process.Pid, 0); err != nil {
		t.Fatal("heal killed a process that was not ours")
	}
	if again, _ := Heal(dir); len(again) != 0 {
		t.Fatalf("a second heal did %v", again)
	}
}

func TestClosedRunNeedsNoHeal(t *testing.T) {
	dir := t.TempDir()
	j, _ := OpenJournal(dir)
	j.Append(Entry{Op: OpProcess, PID: 1, Match: "x"})
	j.Append(Entry{Op: OpClosed})
	j.Close()
	if did, err := Heal(dir); err != nil || len(did) != 0 {
		t.Fatalf("heal of a closed run: %v %v", did, err)
	}
	if did, err := Heal(t.TempDir()); err != nil || did != nil {
		t.Fatalf("heal of a run without journal: %v %v", did, err)
	}
}
