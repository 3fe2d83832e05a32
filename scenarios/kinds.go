package scenarios

import (
	"reflect"
	"strings"

	"github.com/brokerbench/brokerbench/drivers"
	"go.yaml.in/yaml/v3"
)

var kindType = reflect.TypeFor[drivers.Kind]()

// decodeKind decodes a message kind's spelling; whether the driver
// supports it is checked by validateKinds once the driver is known.
func (d *decoder) decodeKind(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		d.errorf(n, path, "expected one of %s, got %s", kindList(drivers.KindNames), describe(n))
		return
	}
	v.SetString(string(drivers.Kind(n.Value).Normal()))
}

// validateKinds checks the workload's kind and each phase's against the
// kinds the driver supports: plain and its Factory.Kinds. With an unknown
// driver (already reported) only the spelling is checked.
func (d *decoder) validateKinds(s *Scenario, reg Registry) {
	allowed := drivers.KindNames
	what := "allowed"
	if f, ok := lookupDriver(reg, s.Driver.Name); ok && !d.bad["driver.name"] {
		allowed = driverKinds(f)
		what = "allowed for driver " + s.Driver.Name
	}
	check := func(path string, k drivers.Kind) {
		if d.bad[path] {
			return
		}
		for _, a := range allowed {
			if a == k.Normal() {
				return
			}
		}
		if _, err := drivers.ParseKind(string(k)); err != nil {
			d.problem(path, "unknown message kind %q (%s: %s)", k, what, kindList(allowed))
			return
		}
		d.problem(path, "driver %s does not support message kind %q (%s: %s)", s.Driver.Name, k, what, kindList(allowed))
	}
	check("workload.kind", s.Workload.Kind)
	for i, ph := range s.Workload.Phases {
		p := joinPath(indexPath("workload.phases", i), "kind")
		if d.seen[p] {
			check(p, ph.Kind)
		}
	}
}

// driverKinds is plain followed by the kinds f lists, in display order.
func driverKinds(f drivers.Factory) []drivers.Kind {
	out := []drivers.Kind{drivers.KindPlain}
	for _, k := range drivers.KindNames {
		for _, fk := range f.Kinds {
			if fk.Normal() == k && k != drivers.KindPlain {
				out = append(out, k)
				break
			}
		}
	}
	return out
}

// kindList joins kinds for "allowed:" lists.
func kindList(ks []drivers.Kind) string {
	names := make([]string, len(ks))
	for i, k := range ks {
		names[i] = string(k)
	}
	return strings.Join(names, ", ")
}

// omitPlainKinds removes "kind: plain" from the encoded scenario root:
// from the workload always, and from its phases when the workload's kind
// is plain too (otherwise a plain phase must say so, or it would inherit
// the workload's kind when loaded again).
func omitPlainKinds(root *yaml.Node, workloadPlain bool) {
	w := mappingValue(root, "workload")
	dropPlainKind(w)
	phases := mappingValue(w, "phases")
	if !workloadPlain || phases == nil {
		return
	}
	for _, ph := range phases.Content {
		dropPlainKind(ph)
	}
}

// mappingValue returns the value of key in mapping n, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// dropPlainKind removes a "kind: plain" entry from mapping n.
func dropPlainKind(n *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "kind" && n.Content[i+1].Value == string(drivers.KindPlain) {
			n.Content = append(n.Content[:i], n.Content[i+2:]...)
			return
		}
	}
}
