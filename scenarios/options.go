package scenarios

import (
	"reflect"
	"strings"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/drivers"
	"go.yaml.in/yaml/v3"
)

// decodeOptions looks up the driver and the cluster backend, decodes their
// options over the factories' defaults and maps the options' own
// validation problems to driver.options.* / cluster.options.* fields.
func (d *decoder) decodeOptions(s *Scenario, reg Registry) {
	name := s.Driver.Name
	if name != "" && !d.bad["driver.name"] {
		f, ok := lookupDriver(reg, name)
		if !ok {
			d.problem("driver.name", "unknown driver %q (allowed: %s)", name, driverNames(reg))
		} else {
			s.Driver.Options = d.decodeOptionsAt(optionsPath, "driver", name, f.Options)
		}
	}
	backend := s.Cluster.Backend
	if backend == "" || d.bad["cluster.backend"] {
		if hasContent(d.options[clusterOptionsPath]) {
			d.problem(clusterOptionsPath, "options without a cluster.backend")
		}
		return
	}
	f, ok := lookupCluster(reg, backend)
	if !ok {
		d.problem("cluster.backend", "unknown cluster backend %q (allowed: %s)", backend, clusterNames(reg))
		return
	}
	s.Cluster.Options = d.decodeOptionsAt(clusterOptionsPath, "cluster backend", backend, f.Options)
	d.cluster = &f
}

// decodeOptionsAt decodes the options node at path over the defaults that
// newOpts returns and validates them.
func (d *decoder) decodeOptionsAt(path, what, name string, newOpts func() drivers.Options) drivers.Options {
	var opts drivers.Options
	if newOpts != nil {
		if err := safely(func() error { opts = newOpts(); return nil }); err != nil {
			d.problem(path, "%s %q: making the default options: %v (a bug)", what, name, err)
			return nil
		}
	}
	n := d.options[path]
	if opts == nil || reflect.ValueOf(opts).Kind() != reflect.Pointer ||
		reflect.ValueOf(opts).IsNil() || reflect.ValueOf(opts).Elem().Kind() != reflect.Struct {
		if opts != nil {
			d.problem(path, "%s %q returned options of type %T, not a pointer to a struct (a bug)", what, name, opts)
		} else if hasContent(n) {
			d.problem(path, "%s %q takes no options", what, name)
		}
		return nil
	}
	if n != nil {
		d.decode(n, reflect.ValueOf(opts).Elem(), path)
	}
	var oes []drivers.OptionError
	if err := safely(func() error { oes = opts.Validate(); return nil }); err != nil {
		d.problem(path, "validating the options: %v (a bug)", err)
	}
	for _, oe := range oes {
		d.problem(optionPathAt(path, oe.Field), "%s", oe.Msg)
	}
	return opts
}

// hasContent reports whether n is something other than null or an empty
// mapping.
func hasContent(n *yaml.Node) bool {
	n = resolveAlias(n)
	switch {
	case n == nil:
		return false
	case n.Kind == yaml.ScalarNode:
		return n.ShortTag() != "!!null"
	case n.Kind == yaml.MappingNode:
		return len(n.Content) > 0
	}
	return true
}

// lookupDriver asks reg (which may be nil) for the factory called name.
func lookupDriver(reg Registry, name string) (f drivers.Factory, ok bool) {
	if reg == nil {
		return f, false
	}
	err := safely(func() error { f, ok = reg.Driver(name); return nil })
	return f, ok && err == nil
}

// driverNames lists the registered drivers for messages.
func driverNames(reg Registry) string {
	if reg == nil {
		return "none registered"
	}
	names := reg.DriverNames()
	if len(names) == 0 {
		return "none registered"
	}
	return strings.Join(names, ", ")
}

// ClusterRegistry is what the loader needs to know about cluster backends;
// a Registry that does not implement it knows none.
type ClusterRegistry interface {
	Cluster(name string) (compose.Factory, bool)
	ClusterNames() []string
}

// lookupCluster asks reg for the cluster backend called name.
func lookupCluster(reg Registry, name string) (f compose.Factory, ok bool) {
	cr, isCR := reg.(ClusterRegistry)
	if !isCR {
		return f, false
	}
	err := safely(func() error { f, ok = cr.Cluster(name); return nil })
	return f, ok && err == nil
}

// clusterNames lists the registered cluster backends for messages.
func clusterNames(reg Registry) string {
	cr, ok := reg.(ClusterRegistry)
	if !ok || len(cr.ClusterNames()) == 0 {
		return "none registered"
	}
	return strings.Join(cr.ClusterNames(), ", ")
}
