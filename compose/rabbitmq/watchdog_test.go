package rabbitmq

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestWatchdogKillsOnOwnerDeath: when the watchdog's stdin closes without
// "quit" (its owner died), it SIGKILLs the pids it holds.
func TestWatchdogKillsOnOwnerDeath(t *testing.T) {
	dir := t.TempDir()
	w, err := startWatchdog(dir, append(os.Environ(), "BROKERBENCH_CLUSTER="+dir))
	if err != nil {
		t.Fatal(err)
	}
	victim, err := startChild(exec.Command("sleep", "60"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { victim.stop(9, time.Second) })
	cmd := exec.Command("sleep", "60")
	cmd.Env = []string{"BROKERBENCH_CLUSTER=" + dir} // so ProcessesUnder finds it
	keep, err := startChild(cmd)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { keep.stop(9, time.Second) })
	w.add(victim.pid())
	w.add(keep.pid())
	w.del(keep.pid())
	w.in.Close() // the owner "dies"
	if !victim.wait(5 * time.Second) {
		t.Fatal("the watchdog did not kill its pid when its owner died")
	}
	if !w.proc.wait(5 * time.Second) {
		t.Fatal("the watchdog did not exit")
	}
	if keep.wait(100 * time.Millisecond) {
		t.Fatal("the watchdog killed a pid it was told to forget")
	}
	if left := ProcessesUnder(dir); len(left) != 1 || left[0] != keep.pid() {
		t.Errorf("processes under %s: %v, want only %d", dir, left, keep.pid())
	}
}
