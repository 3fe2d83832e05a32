package scenarios

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

func TestBundledList(t *testing.T) {
	want := []string{"delayed", "kafka-leader-kill", "kafka-modes", "nemesis-random", "null", "quickstart", "rabbitmq-link-latency", "rabbitmq-modes",
		"rabbitmq-modes-quorum", "rabbitmq-quorum-leader-kill", "rabbitmq-quorum-partition", "rocketmq-modes", "rocketmq-ordered-broker-crash", "selftest", "stall"}
	if got := Bundled(); !reflect.DeepEqual(got, want) {
		t.Errorf("Bundled() = %v, want %v", got, want)
	}
	for _, bad := range []string{"", "nope", "../scenario", "quickstart.yaml", ".hidden"} {
		if _, ok := BundledSource(bad); ok {
			t.Errorf("BundledSource(%q) found something", bad)
		}
	}
}

// fakeBundled are the bundled scenarios whose drivers the fake registry
// knows (memory, null); internal/registry's tests load every bundled
// scenario with the real registry.
func fakeBundled() []string {
	var out []string
	for _, name := range Bundled() {
		src, _ := BundledSource(name)
		if strings.Contains(string(src), "  name: memory\n") || strings.Contains(string(src), "  name: \"null\"\n") {
			out = append(out, name)
		}
	}
	return out
}

func TestBundledLoad(t *testing.T) {
	reg := testRegistry()
	if len(fakeBundled()) < 3 {
		t.Fatalf("fake-registry bundled scenarios: %v", fakeBundled())
	}
	for _, name := range fakeBundled() {
		t.Run(name, func(t *testing.T) {
			s, err := Open(name, reg, nil)
			if err != nil {
				t.Fatal(err)
			}
			if s.Name != name || s.Description == "" {
				t.Errorf("name %q, description %q", s.Name, s.Description)
			}
		})
	}
}

func TestBundledContents(t *testing.T) {
	reg := testRegistry()
	load := func(name string, sets ...string) *Scenario {
		t.Helper()
		s, err := Open(name, reg, sets)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	st := load("selftest")
	if got := expectStrings(st); got != "lost == 7, duplicate == 4, redelivered == 3, reorder == 6, unexpected == 2, aborted_read == 0, unseen == 0" {
		t.Errorf("selftest expect: %s", got)
	}
	if in := st.Driver.Options.(*memoryOptions).Inject; in.Seed != 7 || in.Drop != 5 || in.Duplicate != 4 || in.Redeliver != 3 || in.Reorder != 6 || in.Corrupt != 2 {
		t.Errorf("selftest inject %+v", in)
	}
	if in := load("selftest", "driver.options.inject.drop=6").Driver.Options.(*memoryOptions).Inject; in.Drop != 6 {
		t.Errorf("selftest --set drop: %+v", in)
	}
	sl := load("stall")
	if got := expectStrings(sl); got != "lost == 0, duplicate == 0, reorder == 0, p999_publish_ms > 500, p99_service_ms < 20" {
		t.Errorf("stall expect: %s", got)
	}
	if o := sl.Driver.Options.(*memoryOptions); !reflect.DeepEqual(o.Stalls, []stall{{8 * time.Second, time.Second}}) {
		t.Errorf("stall options %+v", o)
	}
	n := load("null")
	if w := n.Workload; !w.Rate.Max || w.Consumers != 0 || w.Window != 256 || w.Mode != drivers.ModeAsync || n.Driver.Name != "null" {
		t.Errorf("null workload %+v", w)
	}
	if got := expectStrings(n); got != "failed == 0" {
		t.Errorf("null expect: %s", got)
	}
}

func expectStrings(s *Scenario) string {
	var out []string
	for _, e := range s.Expect {
		out = append(out, e.String())
	}
	return strings.Join(out, ", ")
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.yaml")
	if err := os.WriteFile(path, []byte(minimal), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, testRegistry(), []string{"workload.rate=7"})
	if err != nil || s.Workload.Rate.PerSecond != 7 {
		t.Fatalf("Open(path) = %+v, %v", s, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad, testRegistry(), nil); err == nil || !strings.HasPrefix(err.Error(), bad+":1: invalid YAML") {
		t.Errorf("Open(bad) error = %v", err)
	}
	big := filepath.Join(dir, "big.yaml")
	if err := os.WriteFile(big, make([]byte, 3*MaxSize), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(big, testRegistry(), nil); err == nil || !strings.Contains(err.Error(), "more than the limit of 1 MiB") {
		t.Errorf("Open(big) error = %v", err)
	}
	if _, err := Open("nosuch", testRegistry(), nil); err == nil ||
		err.Error() != `scenario "nosuch": no such file, and not a bundled scenario (bundled: delayed, kafka-leader-kill, kafka-modes, nemesis-random, null, quickstart, rabbitmq-link-latency, rabbitmq-modes, rabbitmq-modes-quorum, rabbitmq-quorum-leader-kill, rabbitmq-quorum-partition, rocketmq-modes, rocketmq-ordered-broker-crash, selftest, stall)` {
		t.Errorf("Open(nosuch) error = %v", err)
	}
	if _, err := Open(filepath.Join(dir, "nosuch.yaml"), testRegistry(), nil); err == nil || !strings.HasPrefix(err.Error(), "reading scenario: ") {
		t.Errorf("Open(missing path) error = %v", err)
	}
}

// TestBundledDelayed: the delayed scenario sends delayed messages and
// expects exactly the injected early deliveries.
func TestBundledDelayed(t *testing.T) {
	s, err := Open("delayed", testRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	o := s.Driver.Options.(*memoryOptions)
	if s.Workload.Kind != drivers.KindDelayed || o.Delay != 500*time.Millisecond || o.Inject.Early != 3 {
		t.Errorf("kind %s, delay %v, early %d", s.Workload.Kind, o.Delay, o.Inject.Early)
	}
	if got := expectStrings(s); !strings.HasPrefix(got, "delivered_early == 3, lost == 0") {
		t.Errorf("delayed expect: %s", got)
	}
}
