// Package registry is the one list of what this build knows: drivers (and,
// as later issues add them, fault kinds and cluster platforms). A duplicate
// name is a programming error and fails at start-up (and in its test).
package registry

import (
	"fmt"
	"sort"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
	"github.com/brokerbench/brokerbench/drivers/null"
)

// driverFactories is every driver of this build.
var driverFactories = []drivers.Factory{
	memory.Factory,
	null.Factory,
}

// FaultKind describes a fault kind for `brokerbench list`.
type FaultKind struct{ Name, Summary string }

// faultKinds is every fault kind of this build. The fault framework is a
// later issue; until then the memory driver's injections (drop, duplicate,
// redeliver, reorder, stall) are driver options, not fault kinds.
var faultKinds = []FaultKind{}

// Registry resolves names to implementations; it satisfies
// scenarios.Registry.
type Registry struct {
	drivers map[string]drivers.Factory
}

// New builds the registry; it fails on a duplicate name.
func New() (*Registry, error) {
	return build(driverFactories)
}

func build(fs []drivers.Factory) (*Registry, error) {
	r := &Registry{drivers: map[string]drivers.Factory{}}
	for _, f := range fs {
		if _, dup := r.drivers[f.Name]; dup {
			return nil, fmt.Errorf("registry: driver %q registered twice", f.Name)
		}
		r.drivers[f.Name] = f
	}
	return r, nil
}

// Default is the registry of this build; it panics on a duplicate name,
// which the package test catches first.
func Default() *Registry {
	r, err := New()
	if err != nil {
		panic(err)
	}
	return r
}

// Driver returns the factory of a driver by name.
func (r *Registry) Driver(name string) (drivers.Factory, bool) {
	f, ok := r.drivers[name]
	return f, ok
}

// DriverNames lists the driver names, sorted.
func (r *Registry) DriverNames() []string {
	out := make([]string, 0, len(r.drivers))
	for n := range r.drivers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Drivers lists the factories, sorted by name.
func (r *Registry) Drivers() []drivers.Factory {
	out := make([]drivers.Factory, 0, len(r.drivers))
	for _, n := range r.DriverNames() {
		out = append(out, r.drivers[n])
	}
	return out
}

// FaultKinds lists the fault kinds of this build.
func (r *Registry) FaultKinds() []FaultKind { return append([]FaultKind(nil), faultKinds...) }
