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
