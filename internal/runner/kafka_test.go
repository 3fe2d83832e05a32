package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
	"github.com/brokerbench/brokerbench/faults"
	"github.com/brokerbench/brokerbench/internal/registry"
	"github.com/brokerbench/brokerbench/scenarios"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// brokerbenchBinary builds the real binary once: kfake's processes mode
// runs its nodes as `brokerbench serve` processes.
func brokerbenchBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bb-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "brokerbench")
		out, err := exec.Command("go", "build", "-o", binPath, "../../cmd/brokerbench").CombinedOutput()
		if err != nil {
			binErr = err
			t.Logf("%s", out)
		}
	})
	if binErr != nil {
		t.Fatalf("building brokerbench: %v", binErr)
	}
	return binPath
}

// TestKafkaLeaderKillScenario runs the bundled scenario, shortened, on a
// kfake cluster (a Kafka-protocol emulator, not Apache Kafka) whose nodes
// are separate processes: the leader of partition 0 is SIGKILLed and
// restarted. With acks=all no acked message may be lost; the fault must be
// recorded, measured and healed, and no node process may be left.
func TestKafkaLeaderKillScenario(t *testing.T) {
	reg := registry.Default()
	src, _ := scenarios.BundledSource("kafka-leader-kill")
	sc := load(t, reg, string(src), "workload.duration=12s", "workload.warmup=1s",
		"faults.0.at=4s", "faults.0.for=4s", "workload.drain_quiet=3s")
	res, err := Run(context.Background(), sc, Options{ResultsDir: t.TempDir(), Registry: reg, Self: brokerbenchBinary(t)})
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	s := res.Summary
	if !s.Passed {
		t.Fatalf("leader kill on kfake: %s", failed(s))
	}
	f := s.Faults[0]
	if !strings.HasPrefix(f.Node, "kfake-") || f.Error != "" || f.HealError != "" || f.FirstAckAfterS == nil {
		t.Fatalf("fault %+v", f)
	}
	if s.Driver.StandIn == "" || !strings.Contains(s.Driver.StandIn, "not Apache Kafka") {
		t.Errorf("a kfake run must be labelled a stand-in, got %+v", s.Driver)
	}
	if _, ok := s.Checks["value_two_offsets"]; !ok {
		t.Errorf("the log checks did not run")
	}
	assertCleanEnd(t, res.Dir)
	t.Logf("sent %d acked %d unknown %d failed %d; deliveries %d; first ack %.3fs after the kill",
		s.Counts.Sent, s.Counts.Acked, s.Counts.Unknown, s.Counts.Failed, s.Counts.Deliveries, *f.FirstAckAfterS)
}

// assertCleanEnd checks that a run with a cluster ended cleanly: its
// journal ends "closed" and no process still names the run directory.
func assertCleanEnd(t *testing.T, dir string) {
	t.Helper()
	entries, _ := faults.ReadJournal(dir)
	if len(entries) == 0 || entries[len(entries)-1].Op != faults.OpClosed {
		t.Errorf("journal does not end closed: %+v", entries)
	}
	if left := processesUnder(dir); len(left) > 0 {
		t.Errorf("processes left behind: %v", left)
	}
	// Every machine change (namespace, link, rule) undone, and gone.
	undone := map[string]int{}
	for _, e := range entries {
		if e.Change != nil && e.Op == faults.OpUndone {
			undone[e.Change.Kind+" "+e.Change.Name+" "+e.Change.NS+" "+strings.Join(e.Change.Args, " ")]++
		}
	}
	for _, e := range entries {
		if e.Change == nil || e.Op != faults.OpChange {
			continue
		}
		k := e.Change.Kind + " " + e.Change.Name + " " + e.Change.NS + " " + strings.Join(e.Change.Args, " ")
		if undone[k] == 0 {
			t.Errorf("machine change never undone: %+v", *e.Change)
		}
		undone[k]--
		if e.Change.Kind == compose.ChangeNetns && netns.Exists(context.Background(), e.Change.Name) {
			t.Errorf("namespace %s still exists", e.Change.Name)
		}
	}
}

// processesUnder lists pids whose command line names dir (not this test).
func processesUnder(dir string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && e.Name() != strconv.Itoa(os.Getpid()) && strings.Contains(string(b), dir) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}
