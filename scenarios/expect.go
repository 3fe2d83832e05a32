package scenarios

import (
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Ops lists the comparison operators of an expectation. A bare number in
// YAML means "==".
var Ops = []string{"<", "<=", "==", "!=", ">=", ">"}

// DefaultExpect returns the expectations that apply when a scenario has no
// expect section: nothing lost, unexpected, aborted, duplicated or
// reordered. Where is "default". Each call returns a fresh slice.
func DefaultExpect() []Expectation {
	out := make([]Expectation, 0, 5)
	for _, m := range []string{"lost", "unexpected", "aborted_read", "duplicate", "reorder"} {
		out = append(out, Expectation{Metric: m, Op: "==", Value: 0, Where: "default"})
	}
	return out
}

// Holds reports whether the value v of e.Metric meets the threshold. An
// unknown Op never holds.
func (e Expectation) Holds(v float64) bool {
	switch e.Op {
	case "<":
		return v < e.Value
	case "<=":
		return v <= e.Value
	case "==":
		return v == e.Value
	case "!=":
		return v != e.Value
	case ">=":
		return v >= e.Value
	case ">":
		return v > e.Value
	}
	return false
}

// String returns e as "metric op value", e.g. "lost == 0" or
// "p99_publish_ms < 50".
func (e Expectation) String() string {
	return e.Metric + " " + e.Op + " " + strconv.FormatFloat(e.Value, 'g', -1, 64)
}

// threshold returns the YAML spelling of e's threshold: a bare number for
// "==", else "op number".
func (e Expectation) threshold() string {
	if e.Op == "==" {
		return formatFloat(e.Value)
	}
	return e.Op + " " + formatFloat(e.Value)
}

// parseThreshold parses "<op> number" (spaces optional); a string without
// an operator means "==".
func parseThreshold(s string) (op string, v float64, err error) {
	s = strings.TrimSpace(s)
	op = "=="
	for _, o := range []string{"<=", ">=", "==", "!=", "<", ">"} {
		if strings.HasPrefix(s, o) {
			op, s = o, strings.TrimSpace(s[len(o):])
			break
		}
	}
	v, err = strconv.ParseFloat(s, 64)
	return op, v, err
}

// decodeExpect decodes the expect mapping (metric -> threshold) in file
// order. Unknown metrics and bad thresholds are reported.
func (d *decoder) decodeExpect(n *yaml.Node, v reflect.Value, path string) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	out := []Expectation{}
	for _, e := range es {
		p := joinPath(path, e.name)
		d.keyAt[p] = e.key
		d.valAt[p] = e.val
		if _, ok := LookupMetric(e.name); !ok {
			d.errorf(e.key, p, "unknown metric (allowed: %s)", strings.Join(MetricNames(), ", "))
			continue
		}
		exp, ok := d.expectation(e.val, p)
		if !ok {
			continue
		}
		exp.Metric = e.name
		exp.Where, _ = d.locate(d.at(p))
		out = append(out, exp)
	}
	if len(out) == 0 {
		out = nil
	}
	v.Set(reflect.ValueOf(out))
}

// expectation decodes one threshold: a number (==) or "op number".
func (d *decoder) expectation(n *yaml.Node, path string) (Expectation, bool) {
	r := resolveAlias(n)
	bad := func() (Expectation, bool) {
		d.errorf(n, path, "expected a number or \"<op> number\" with op one of %s, got %s",
			strings.Join(Ops, " "), describe(n))
		return Expectation{}, false
	}
	if r == nil || r.Kind != yaml.ScalarNode {
		return bad()
	}
	switch r.ShortTag() {
	case "!!int", "!!float":
		var f float64
		if err := safely(func() error { return r.Decode(&f) }); err != nil {
			return bad()
		}
		return Expectation{Op: "==", Value: f}, true
	case "!!str":
		op, f, err := parseThreshold(r.Value)
		if err != nil {
			return bad()
		}
		return Expectation{Op: op, Value: f}, true
	}
	return bad()
}
