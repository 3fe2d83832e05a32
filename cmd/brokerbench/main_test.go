package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run executes the command line in-process and returns exit code, stdout
// and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := execute(args, &out, &errb)
	return code, out.String(), errb.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"run"},
		{"run", "a", "b"},
		{"run", "quickstart", "--no-such-flag"},
		{"nosuchcommand"},
		{"check"},
		{"list", "extra"},
		{"run", "no-such-scenario"},
		{"run", "quickstart", "--set", "workload.mode=asink"},
		{"validate", "quickstart", "--set", "workload.ratee=1"},
		{"run", "quickstart", "--duration", "-1s"},
	} {
		code, _, stderr := runCLI(t, args...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, stderr)
		}
		if stderr == "" {
			t.Errorf("%v: no error message", args)
		}
	}
}

func TestHelpForEveryCommand(t *testing.T) {
	for _, c := range []string{"run", "check", "report", "validate", "list", "compare", "heal"} {
		code, out, _ := runCLI(t, c, "--help")
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%s --help: exit %d, output %q", c, code, out)
		}
	}
}

func TestValidateNamesFileLineAndAllowedValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	bad := "name: bad\ndriver: {name: memory}\ndestinations: [{name: t}]\nworkload:\n  mode: asink\n  rate: 10\n  duration: 1s\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCLI(t, "validate", path)
	if code != exitUsage {
		t.Fatalf("exit %d, want 2", code)
	}
	for _, want := range []string{"bad.yaml:5", "workload.mode", "asink", "sync, async, oneway"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("error %q lacks %q", stderr, want)
		}
	}
	code, out, _ := runCLI(t, "validate", "quickstart")
	if code != 0 || !strings.HasPrefix(out, "ok: quickstart") {
		t.Errorf("validate quickstart: exit %d %q", code, out)
	}
}

func TestList(t *testing.T) {
	code, out, _ := runCLI(t, "list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"memory", "null", "quickstart", "selftest", "stall", "FAULT KINDS", "(message kinds: plain, delayed)", "rocketmq-test", "NOT Apache RocketMQ"} {
		if !strings.Contains(out, want) {
			t.Errorf("list output lacks %q:\n%s", want, out)
		}
	}
}

// TestSelftestExitCodes is the acceptance test: selftest exits 0
// only when the checkers find exactly what was injected, and changing an
// injected count with --set makes it exit 3. check and report then read
// the stored run.
func TestSelftestExitCodes(t *testing.T) {
	res := t.TempDir()
	code, out, stderr := runCLI(t, "run", "selftest", "--duration", "3s", "--results", res, "-q")
	if code != 0 {
		t.Fatalf("selftest: exit %d\n%s\n%s", code, out, stderr)
	}
	dir := lastLine(out)
	if !strings.HasPrefix(dir, filepath.Join(res, "selftest")) {
		t.Fatalf("last stdout line %q is not the run directory", dir)
	}
	if code, out, _ := runCLI(t, "check", dir); code != 0 || !strings.Contains(out, "lost") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	if code, out, _ := runCLI(t, "report", dir); code != 0 || !strings.Contains(out, "PASSED") {
		t.Errorf("report: exit %d\n%s", code, out)
	}

	code, out, _ = runCLI(t, "run", "selftest", "--duration", "3s", "--results", res, "-q",
		"--set", "driver.options.inject.drop=6")
	if code != exitExpect {
		t.Fatalf("selftest with drop=6: exit %d, want 3\n%s", code, out)
	}
	if !strings.Contains(out, "FAIL lost == 7") {
		t.Errorf("the failing expectation is not shown:\n%s", out)
	}
	if code, _, _ := runCLI(t, "check", lastLine(out)); code != exitExpect {
		t.Errorf("check of the failing run: exit %d, want 3", code)
	}
}

func TestCheckAndReportOfBrokenRunDirs(t *testing.T) {
	empty := t.TempDir()
	if code, _, _ := runCLI(t, "check", empty); code != exitError {
		t.Errorf("check of a non-run directory: exit %d, want 1", code)
	}
	if code, _, _ := runCLI(t, "report", filepath.Join(empty, "nope")); code != exitError {
		t.Errorf("report of a missing directory: exit %d, want 1", code)
	}
	if code, _, stderr := runCLI(t, "heal", filepath.Join(empty, "nope")); code != exitError || !strings.Contains(stderr, "not a run directory") {
		t.Errorf("heal of a missing directory: exit %d %q, want 1", code, stderr)
	}
}

// TestCrashedRunIsStillReadable removes summary.json (as a crash would leave
// the directory) and truncates an op log mid-record: check and report must
// still work and say the run is incomplete.
func TestCrashedRunIsStillReadable(t *testing.T) {
	res := t.TempDir()
	// No latency expectation: this test is about the files, and CI machines
	// are noisy.
	code, out, _ := runCLI(t, "run", "quickstart", "--duration", "1s", "--set", "workload.warmup=0s",
		"--set", "expect={lost: 0, duplicate: 0}", "--results", res, "-q")
	if code != 0 {
		t.Fatalf("quickstart: exit %d\n%s", code, out)
	}
	dir := lastLine(out)
	if err := os.Remove(filepath.Join(dir, "summary.json")); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "ops", "producer-0000.ops")
	st, err := os.Stat(log)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(log, st.Size()-3); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "check", dir)
	if code != exitError && code != exitExpect {
		t.Errorf("check of a crashed run: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "checked up to its last whole record") {
		t.Errorf("check does not say the log was truncated:\n%s", out)
	}
	code, out, _ = runCLI(t, "report", dir)
	if code != 0 || !strings.Contains(out, "INCOMPLETE") {
		t.Errorf("report of a crashed run: exit %d\n%s", code, out)
	}
}

// TestValidatePrintsFaultSchedule: validating the bundled nemesis
// scenario lists the faults its seed draws, one line each.
func TestValidatePrintsFaultSchedule(t *testing.T) {
	code, out, stderr := runCLI(t, "validate", "nemesis-random")
	if code != 0 || !strings.HasPrefix(out, "ok: nemesis-random") {
		t.Fatalf("validate nemesis-random: exit %d %q %q", code, out, stderr)
	}
	if !strings.Contains(out, "fault schedule:") {
		t.Errorf("no fault schedule in %q", out)
	}
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  ") && strings.Contains(line, " at ") && strings.Contains(line, " for ") {
			n++
		}
	}
	if n < 2 {
		t.Errorf("%d fault lines, want at least 2:\n%s", n, out)
	}
	if _, out, _ := runCLI(t, "validate", "quickstart"); strings.Contains(out, "fault schedule") {
		t.Errorf("quickstart has no faults but validate prints a schedule: %q", out)
	}
}

// TestDelayedRunAndCheck: the bundled delayed scenario finds exactly the
// injected early deliveries; check recomputes the delayed section from
// the op logs, the report shows it and the driver's counters, and
// validate names the kind.
func TestDelayedRunAndCheck(t *testing.T) {
	if code, out, _ := runCLI(t, "validate", "delayed"); code != 0 || !strings.Contains(out, "sync delayed messages, rate 500/s") {
		t.Errorf("validate delayed: exit %d %q", code, out)
	}
	res := t.TempDir()
	code, out, stderr := runCLI(t, "run", "delayed", "--duration", "2s", "--results", res, "-q")
	if code != 0 {
		t.Fatalf("delayed: exit %d\n%s\n%s", code, out, stderr)
	}
	dir := lastLine(out)
	code, out, _ = runCLI(t, "check", dir)
	if code != 0 || !strings.Contains(out, "early 3 (invalid)") || !strings.Contains(out, "ok   delivered_early == 3") {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "report", dir)
	for _, want := range []string{"delayed messages (first delivery", "driver counters", "inject_early             3", "workload sync, delayed messages"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("report: exit %d, lacks %q\n%s", code, want, out)
		}
	}
}

// TestBroadcastRunAndCheck: a broadcasting selftest (3 consumers, each
// getting every injection) passes with three times the injected counts;
// check recomputes them per subscriber, also once summary.json is gone
// (run.json says the run was broadcasting; lost become unseen then).
func TestBroadcastRunAndCheck(t *testing.T) {
	res := t.TempDir()
	code, out, stderr := runCLI(t, "run", "selftest", "--duration", "1s", "--results", res, "-q",
		"--set", "driver.options.broadcast=true", "--set", "driver.options.inject.to=1000", "--set", "workload.consumers=3", "--set", "workload.rate=2000",
		"--set", "expect={lost: 21, duplicate: 12, redelivered: 9, reorder: 18, unexpected: 6}")
	if code != 0 {
		t.Fatalf("broadcasting selftest: exit %d\n%s\n%s", code, out, stderr)
	}
	dir := lastLine(out)
	code, out, _ = runCLI(t, "check", dir)
	for _, want := range []string{"ok   lost == 21", "per subscriber", "consumer 2: producer 0 seq"} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("check: exit %d, lacks %q\n%s", code, want, out)
		}
	}
	if err := os.Remove(filepath.Join(dir, "summary.json")); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCLI(t, "check", dir)
	// The drain end is unknown now: what is missing counts as unseen.
	for _, want := range []string{"unseen        unknown        21", "ok   duplicate == 12", "ok   unexpected == 6", "per subscriber"} {
		if (code != exitError && code != exitExpect) || !strings.Contains(out, want) {
			t.Errorf("check without summary.json: exit %d (want 1 or 3: incomplete, lost unknown), lacks %q\n%s", code, want, out)
		}
	}
}
