package registry

import (
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
)

func TestNoDuplicateNames(t *testing.T) {
	if _, err := New(); err != nil {
		t.Fatal(err)
	}
	if _, err := build([]drivers.Factory{{Name: "a"}, {Name: "a"}}); err == nil {
		t.Fatal("a duplicate driver name must be an error")
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
