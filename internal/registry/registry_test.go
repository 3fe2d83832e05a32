package registry

import (
	"testing"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/scenarios"
)

func TestNoDuplicateNames(t *testing.T) {
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
	if _, err := build([]drivers.Factory{{Name: "a"}, {Name: "a"}}, nil); err == nil {
		t.Fatal("a duplicate driver name must be an error")
	}
	if _, err := build(nil, []compose.Factory{{Name: "c"}, {Name: "c"}}); err == nil {
		t.Fatal("a duplicate cluster backend must be an error")
	}
	names := map[string]bool{}
	for _, k := range faultKinds {
		names[k.Name] = true
	}
	for _, k := range scenarios.FaultKinds() {
		if !names[k] {
			t.Errorf("fault kind %q has no description", k)
		}
	}
}

func TestKnowsBuiltInDrivers(t *testing.T) {
	r := Default()
	for _, n := range []string{"memory", "null"} {
		f, ok := r.Driver(n)
		if !ok || f.Open == nil || f.Options == nil {
			t.Errorf("driver %q missing or incomplete", n)
		}
	}
}

// TestEveryBundledScenarioLoads loads each bundled scenario with the real
// registry (its driver's and cluster's own option validation) and checks
// that the effective scenario written into results loads back unchanged.
func TestEveryBundledScenarioLoads(t *testing.T) {
	reg := Default()
	for _, name := range scenarios.Bundled() {
		sc, err := scenarios.Open(name, reg, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if sc.Description == "" {
			t.Errorf("%s: no description", name)
		}
		b, err := scenarios.Marshal(sc)
		if err != nil {
			t.Errorf("%s: marshal: %v", name, err)
			continue
		}
		again, err := scenarios.Load(name+" (effective)", b, reg, nil)
		if err != nil {
			t.Errorf("%s: the effective scenario does not load: %v\n%s", name, err, b)
			continue
		}
		b2, _ := scenarios.Marshal(again)
		if string(b) != string(b2) {
			t.Errorf("%s: round trip changed the scenario:\n%s\n---\n%s", name, b, b2)
		}
	}
}
