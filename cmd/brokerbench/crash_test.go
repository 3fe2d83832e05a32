package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
	rabbitlocal "github.com/brokerbench/brokerbench/compose/rabbitmq"
	"github.com/brokerbench/brokerbench/faults"
)

// childArgs, when set in the environment, makes the test binary run the
// CLI with these arguments (one per line) instead of the tests: the crash
// test's harness process.
const childArgs = "BROKERBENCH_TEST_CLI_ARGS"

func TestMain(m *testing.M) {
	if a := os.Getenv(childArgs); a != "" {
		os.Exit(execute(strings.Split(a, "\n"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// needFaultMachine skips t unless RabbitMQ and network namespaces are
// available; with CI=true their absence fails it.
func needFaultMachine(t *testing.T) {
	t.Helper()
	var why string
	if _, err := os.Stat(rabbitlocal.DefaultServer); err != nil {
		why = "rabbitmq-server is not installed: " + err.Error()
	} else if err := netns.Check(); err != nil {
		why = err.Error()
	}
	if why == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true: %s", why)
	}
	t.Skip(why)
}

// TestHealAfterCrashMidPartition starts `brokerbench run
// rabbitmq-quorum-partition` as a separate process, waits until the
// quorum leader is isolated (iptables rules in the nodes' namespaces),
// then SIGKILLs the harness and its watchdog together — a crash that
// leaves everything behind. `brokerbench heal RUN_DIR` must then kill the
// nodes, remove the rules and the namespaces, and leave the host's own
// iptables as they were.
func TestHealAfterCrashMidPartition(t *testing.T) {
	needFaultMachine(t)
	hostRules, err := exec.Command("iptables", "-S").CombinedOutput()
	if err != nil {
		t.Fatalf("iptables -S: %v: %s", err, hostRules)
	}
	cmd, exited, _, dir := startPartitionRun(t)
	// The crash: the watchdog first (it would clean up), then the harness.
	for _, pid := range pidsMatching("brokerbench-rabbitmq-watchdog", dir) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	_ = cmd.Process.Signal(syscall.SIGKILL)
	<-exited

	entries, _ := faults.ReadJournal(dir)
	var namespaces []string
	rules := 0
	for _, e := range entries {
		if e.Op == faults.OpChange && e.Change.Kind == compose.ChangeNetns {
			namespaces = append(namespaces, e.Change.Name)
		}
		if e.Op == faults.OpChange && e.Change.Kind == compose.ChangeRule {
			rules++
		}
	}
	if len(namespaces) != 4 || rules == 0 {
		t.Fatalf("journal: %d namespaces and %d rules, want 4 and some:\n%+v", len(namespaces), rules, entries)
	}
	for _, ns := range namespaces {
		if !netns.Exists(context.Background(), ns) {
			t.Fatalf("namespace %s already gone before heal: the crash left nothing to prove heal with", ns)
		}
	}
	if len(pidsMatching(dir)) == 0 {
		t.Fatal("no cluster process left after the crash: nothing to prove heal with")
	}

	code, stdout, stderr := runCLI(t, "heal", dir)
	if code != 0 || !strings.Contains(stdout, "undid netns") || !strings.Contains(stdout, "killed left-over cluster process") {
		t.Fatalf("heal: exit %d\n%s%s", code, stdout, stderr)
	}
	time.Sleep(500 * time.Millisecond) // the kernel frees namespaces asynchronously
	for _, ns := range namespaces {
		if netns.Exists(context.Background(), ns) {
			t.Errorf("namespace %s left after heal", ns)
		}
	}
	if left := pidsMatching(dir); len(left) > 0 {
		t.Errorf("processes left after heal: %v", left)
	}
	if after, _ := exec.Command("iptables", "-S").CombinedOutput(); !bytes.Equal(after, hostRules) {
		t.Errorf("host iptables changed:\n%s\nwas:\n%s", after, hostRules)
	}
	// A second heal has nothing to do.
	if code, stdout, _ := runCLI(t, "heal", dir); code != 0 || !strings.Contains(stdout, "heal: 0 action(s)") {
		t.Errorf("second heal: exit %d: %s", code, stdout)
	}
	t.Logf("heal after the crash:\n%s", stdout)
}

// startPartitionRun starts `brokerbench run rabbitmq-quorum-partition`
// (the leader isolated from 3 s on, for longer than the run) as a child
// process and returns once the fault started: the child, a channel closed
// when it exits, its output, and its run directory. The child is killed
// at the end of the test if it still runs.
func startPartitionRun(t *testing.T) (*exec.Cmd, <-chan struct{}, *bytes.Buffer, string) {
	t.Helper()
	results := t.TempDir()
	args := []string{"run", "rabbitmq-quorum-partition", "--results", results, "--quiet",
		"--set", "workload.warmup=1s", "--set", "workload.duration=40s",
		"--set", "faults.0.at=3s", "--set", "faults.0.for=60s"}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childArgs+"="+strings.Join(args, "\n"))
	out := new(bytes.Buffer)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() { // should the test fail early: never leave the child
		_ = cmd.Process.Kill()
		<-exited
	})
	return cmd, exited, out, waitFaultStarted(t, results, exited, out)
}

// waitFaultStarted waits (up to 3 min) for the run directory under
// results whose faults.jsonl says the fault started, and returns it.
func waitFaultStarted(t *testing.T, results string, exited <-chan struct{}, out *bytes.Buffer) string {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			t.Fatalf("the harness exited before the fault started:\n%s", out.String())
		default:
		}
		m, _ := filepath.Glob(filepath.Join(results, "*", "*", faults.File))
		for _, f := range m {
			b, _ := os.ReadFile(f)
			if strings.Contains(string(b), `"event":"start"`) {
				if strings.Contains(string(b), `"error"`) {
					t.Fatalf("the fault failed to start: %s", b)
				}
				return filepath.Dir(f)
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no fault started within 3 minutes:\n%s", out.String())
	return ""
}

// pidsMatching lists live processes whose command line contains every
// one of subs (not this process).
func pidsMatching(subs ...string) []int {
	var out []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || len(b) == 0 {
			continue
		}
		cl := strings.ReplaceAll(string(b), "\x00", " ")
		all := true
		for _, s := range subs {
			all = all && strings.Contains(cl, s)
		}
		if all {
			out = append(out, pid)
		}
	}
	return out
}

// TestSIGTERMMidPartitionHeals sends SIGTERM to a harness in the middle of
// a partition: the run must heal the fault, stop its cluster, remove its
// namespaces and write its results (the journal ends closed), and exit.
func TestSIGTERMMidPartitionHeals(t *testing.T) {
	needFaultMachine(t)
	cmd, exited, out, dir := startPartitionRun(t)
	time.Sleep(time.Second)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(2 * time.Minute):
		t.Fatalf("the harness did not exit within 2 minutes of SIGTERM:\n%s", out.String())
	}
	entries, _ := faults.ReadJournal(dir)
	if len(entries) == 0 || entries[len(entries)-1].Op != faults.OpClosed {
		t.Fatalf("journal does not end closed:\n%+v\n%s", entries, out.String())
	}
	healed := false
	for _, e := range entries {
		healed = healed || e.Op == faults.OpFaultHeal
		if e.Op == faults.OpChange && e.Change.Kind == compose.ChangeNetns && netns.Exists(context.Background(), e.Change.Name) {
			t.Errorf("namespace %s left after SIGTERM", e.Change.Name)
		}
	}
	if !healed {
		t.Error("no fault-heal in the journal")
	}
	if _, err := os.Stat(filepath.Join(dir, "summary.json")); err != nil {
		t.Errorf("no summary after SIGTERM: %v", err)
	}
	if left := pidsMatching(dir); len(left) > 0 {
		t.Errorf("processes left: %v", left)
	}
	if code, stdout, _ := runCLI(t, "heal", dir); code != 0 || !strings.Contains(stdout, "heal: 0 action(s)") {
		t.Errorf("heal after a clean stop: exit %d: %s", code, stdout)
	}
}
