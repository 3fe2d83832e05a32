package scenarios

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"go.yaml.in/yaml/v3"
)

var (
	durationType = reflect.TypeFor[time.Duration]()
	modeType     = reflect.TypeFor[drivers.Mode]()
	rateType     = reflect.TypeFor[Rate]()
	keysType     = reflect.TypeFor[Keys]()
	expectType   = reflect.TypeFor[[]Expectation]()
	optionsType  = reflect.TypeFor[drivers.Options]()
)

// decodeSpecial decodes the types with their own YAML spelling; it
// reports whether v was one of them.
func (d *decoder) decodeSpecial(n *yaml.Node, v reflect.Value, path string) bool {
	switch v.Type() {
	case durationType:
		d.decodeDuration(n, v, path)
	case modeType:
		d.decodeMode(n, v, path)
	case kindType:
		d.decodeKind(n, v, path)
	case rateType:
		d.decodeRate(n, v, path)
	case keysType:
		d.decodeKeys(n, v, path)
	case expectType:
		d.decodeExpect(n, v, path)
	case optionsType:
		d.options[path] = n // decoded by decodeOptions once the owner is known
	case targetType:
		d.decodeTarget(n, v, path)
	default:
		return false
	}
	return true
}

// decodeScalar decodes a bool, integer, float or string.
func (d *decoder) decodeScalar(n *yaml.Node, v reflect.Value, path string) {
	want, tags := scalarKind(v.Kind())
	if want == "" {
		d.errorf(n, path, "cannot decode into %s (a driver bug)", v.Type())
		return
	}
	tag := n.ShortTag()
	if n.Kind != yaml.ScalarNode || tags != "" && !strings.Contains(tags, tag+" ") {
		d.errorf(n, path, "expected %s, got %s", want, describe(n))
		return
	}
	if v.Kind() == reflect.String && tag != "!!binary" {
		v.SetString(n.Value)
		return
	}
	p := reflect.New(v.Type())
	if err := safely(func() error { return n.Decode(p.Interface()) }); err != nil {
		if tag == "!!int" {
			d.errorf(n, path, "%s is out of range for %s", n.Value, v.Type())
		} else {
			d.errorf(n, path, "expected %s, got %s", want, describe(n))
		}
		return
	}
	v.Set(p.Elem())
}

// scalarKind describes what a scalar kind accepts and which YAML tags
// (each followed by a space; "" for any) may decode into it.
func scalarKind(k reflect.Kind) (want, tags string) {
	switch k {
	case reflect.Bool:
		return "true or false", "!!bool "
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "an integer", "!!int "
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return "a non-negative integer", "!!int "
	case reflect.Float32, reflect.Float64:
		return "a number", "!!int !!float "
	case reflect.String:
		return "a string", ""
	}
	return "", ""
}

// durationHint is appended to duration problems.
const durationHint = "(e.g. 20s, 1m30s)"

// decodeDuration decodes a Go duration string ("1m30s"); a bare number
// other than 0 needs a unit, and negative durations are refused.
func (d *decoder) decodeDuration(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "expected a duration %s, got %s", durationHint, describe(n))
		return
	}
	s := strings.TrimSpace(n.Value)
	switch tag := n.ShortTag(); {
	case (tag == "!!int" || tag == "!!float") && s != "0":
		d.errorf(n, path, "%q needs a unit %s", n.Value, durationHint)
		return
	case tag != "!!str" && s != "0":
		d.errorf(n, path, "expected a duration %s, got %s", durationHint, describe(n))
		return
	}
	dur, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(n, path, "invalid duration %q %s", n.Value, durationHint)
		return
	}
	if dur < 0 {
		d.errorf(n, path, "must not be negative, got %s", dur)
		return
	}
	v.SetInt(int64(dur))
}

// decodeMode decodes a send mode name.
func (d *decoder) decodeMode(n *yaml.Node, v reflect.Value, path string) {
	allowed := strings.Join(drivers.ModeNames, ", ")
	if n.Kind != yaml.ScalarNode {
		d.errorf(n, path, "expected one of %s, got %s", allowed, describe(n))
		return
	}
	m, err := drivers.ParseMode(n.Value)
	if err != nil {
		d.errorf(n, path, "unknown value %q (allowed: %s)", n.Value, allowed)
		return
	}
	v.SetInt(int64(m))
}

// decodeRate decodes a number of messages per second, or "max".
func (d *decoder) decodeRate(n *yaml.Node, v reflect.Value, path string) {
	bad := func() {
		d.errorf(n, path, "expected a number (messages per second) or \"max\", got %s", describe(n))
	}
	if n.Kind != yaml.ScalarNode {
		bad()
		return
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		var f float64
		if err := safely(func() error { return n.Decode(&f) }); err != nil {
			bad()
			return
		}
		v.Set(reflect.ValueOf(Rate{PerSecond: f}))
	case "!!str":
		if n.Value != "max" {
			bad()
			return
		}
		v.Set(reflect.ValueOf(Rate{Max: true}))
	default:
		bad()
	}
}

// decodeKeys decodes "none" or {count: N, pick: P}.
func (d *decoder) decodeKeys(n *yaml.Node, v reflect.Value, path string) {
	switch {
	case n.Kind == yaml.MappingNode:
		k := Keys{Pick: PickRoundRobin}
		d.decodeStruct(n, reflect.ValueOf(&k).Elem(), path)
		if !d.seen[joinPath(path, "count")] && !d.bad[path] {
			d.problem(joinPath(path, "count"), "required (or write keys: none)")
		}
		v.Set(reflect.ValueOf(k))
	case n.Kind == yaml.ScalarNode && n.Value == "none":
		v.Set(reflect.ValueOf(Keys{Pick: PickRoundRobin}))
	default:
		d.errorf(n, path, "expected \"none\" or a mapping {count: N, pick: %s|%s}, got %s",
			PickRoundRobin, PickRandom, describe(n))
	}
}

// formatFloat writes f as a YAML number: integral values without an
// exponent, and YAML's spelling of infinities and NaN.
func formatFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return ".nan"
	case math.IsInf(f, 1):
		return ".inf"
	case math.IsInf(f, -1):
		return "-.inf"
	case math.Abs(f) < 1e15 && f == math.Trunc(f):
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}
