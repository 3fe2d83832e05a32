package scenarios

import (
	"strings"
	"testing"
	"time"
)

func TestMarshalRoundTrip(t *testing.T) {
	reg := testRegistry()
	docs := map[string]string{"minimal": minimal, "kitchen": kitchen}
	for _, name := range fakeBundled() {
		src, _ := BundledSource(name)
		docs[name] = string(src)
	}
	for name, src := range docs {
		t.Run(name, func(t *testing.T) {
			s, err := Load(name, []byte(src), reg, nil)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, s, reg)
		})
	}
}

func TestMarshalWritesEffective(t *testing.T) {
	s, err := Load("min.yaml", []byte(minimal), testRegistry(), []string{"workload.rate=max", "driver.options.ack_latency=200us"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"    ack_latency: 200us\n", "    partitions: 1\n", "  destination: events\n", "  mode: sync\n",
		"  rate: max\n", "  keys: none\n", "  drain_quiet: 2s\n", "  seed: 1\n",
		"expect:\n  lost: 0\n  unexpected: 0\n  aborted_read: 0\n  duplicate: 0\n  reorder: 0\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

func TestMarshalSpecialValues(t *testing.T) {
	s, err := Load("k.yaml", []byte(kitchen), testRegistry(), []string{
		"description=multi\nline\n", `name=x.y-z`, "driver.options.notag=true", "driver.options.small=1e-7",
		"driver.options.ratio=-0.0", `expect={p99_e2e_ms: "<= 1.5e-3", sent: 12345678901234567}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, s, testRegistry())
	s.Workload.Rate = Rate{PerSecond: 1e7 + 0.25}
	s.Workload.Duration = 1500 * time.Microsecond
	s.Description = "tab\tand trailing space \nline two"
	roundTrip(t, s, testRegistry())
}

func TestMarshalErrors(t *testing.T) {
	if _, err := Marshal(nil); err == nil {
		t.Error("Marshal(nil) succeeded")
	}
	if _, err := Marshal(&Scenario{}); err == nil || !strings.Contains(err.Error(), "invalid send mode 0") {
		t.Errorf("Marshal with mode 0: %v", err)
	}
}
