package scenarios

import (
	"reflect"
	"strings"

	"github.com/brokerbench/brokerbench/drivers"
	"go.yaml.in/yaml/v3"
)

// decodeOptions looks up the driver, decodes driver.options over the
// factory's defaults and maps the options' own validation problems to
// driver.options.* fields.
func (d *decoder) decodeOptions(s *Scenario, reg Registry) {
	name := s.Driver.Name
	if name == "" || d.bad["driver.name"] {
		return // reported as required or malformed
	}
	f, ok := lookupDriver(reg, name)
	if !ok {
		d.problem("driver.name", "unknown driver %q (allowed: %s)", name, driverNames(reg))
		return
	}
	var opts drivers.Options
	if f.Options != nil {
		if err := safely(func() error { opts = f.Options(); return nil }); err != nil {
			d.problem(optionsPath, "driver %q: making the default options: %v (a driver bug)", name, err)
			return
		}
	}
	s.Driver.Options = opts
	n := d.options
	if opts == nil || reflect.ValueOf(opts).Kind() != reflect.Pointer ||
		reflect.ValueOf(opts).IsNil() || reflect.ValueOf(opts).Elem().Kind() != reflect.Struct {
		if opts != nil {
			d.problem(optionsPath, "driver %q returned options of type %T, not a pointer to a struct (a driver bug)", name, opts)
		} else if hasContent(n) {
			d.problem(optionsPath, "driver %q takes no options", name)
		}
		s.Driver.Options = nil
		return
	}
	if n != nil {
		d.decode(n, reflect.ValueOf(opts).Elem(), optionsPath)
	}
	var oes []drivers.OptionError
	if err := safely(func() error { oes = opts.Validate(); return nil }); err != nil {
		d.problem(optionsPath, "validating the options: %v (a driver bug)", err)
	}
	for _, oe := range oes {
		d.problem(optionPath(oe.Field), "%s", oe.Msg)
	}
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
