package scenarios

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/brokerbench/brokerbench/drivers"
	"go.yaml.in/yaml/v3"
)

// Marshal writes the effective scenario as YAML: every field with its
// default filled in, the driver options, and the expectations in order.
// Load accepts the result and yields an equal Scenario, apart from
// Expectation.Where.
func Marshal(s *Scenario) ([]byte, error) {
	if s == nil {
		return nil, errors.New("marshalling scenario: nil scenario")
	}
	// Faults drawn by the nemesis section are left out: Load draws them
	// again from the section, which is written with its seed.
	c := *s
	c.Faults = nil
	for _, f := range s.Faults {
		if !f.Generated {
			c.Faults = append(c.Faults, f)
		}
	}
	n, err := encode(reflect.ValueOf(&c).Elem())
	if err != nil {
		return nil, fmt.Errorf("marshalling scenario: %w", err)
	}
	omitPlainKinds(n, c.Workload.Kind.Normal() == drivers.KindPlain)
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := safely(func() error { return enc.Encode(n) }); err != nil {
		return nil, fmt.Errorf("marshalling scenario: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("marshalling scenario: %w", err)
	}
	return buf.Bytes(), nil
}

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// str makes a string node; invalid UTF-8 goes out as !!binary.
func str(s string) *yaml.Node {
	if !utf8.ValidString(s) {
		return scalar("", s)
	}
	return scalar("!!str", s)
}

// num makes a plain number node.
func num(s string) *yaml.Node { return scalar("", s) }

func mapping(kv ...*yaml.Node) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: kv}
	if len(kv) == 0 {
		n.Style = yaml.FlowStyle
	}
	return n
}

// formatDuration writes d as a Go duration, in ASCII ("200us").
func formatDuration(d time.Duration) string {
	return strings.ReplaceAll(d.String(), "µ", "u")
}

// encode turns v into a YAML node, the inverse of decoder.decode. It
// returns nil for nil driver options, which are left out.
func encode(v reflect.Value) (*yaml.Node, error) {
	if n, ok, err := encodeSpecial(v); ok {
		return n, err
	}
	if n, ok, err := encodeMarshaler(v); ok {
		return n, err
	}
	switch v.Kind() {
	case reflect.Bool:
		return scalar("!!bool", strconv.FormatBool(v.Bool())), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return num(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return num(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		return num(formatFloat(v.Float())), nil
	case reflect.String:
		return str(v.String()), nil
	case reflect.Pointer:
		if v.IsNil() {
			return scalar("!!null", "null"), nil
		}
		return encode(v.Elem())
	case reflect.Interface:
		return encodeAny(v)
	case reflect.Slice:
		return encodeSlice(v)
	case reflect.Map:
		return encodeMap(v)
	case reflect.Struct:
		return encodeStruct(v)
	}
	return nil, fmt.Errorf("cannot encode %s", v.Type())
}

// encodeSpecial encodes the types with their own YAML spelling.
func encodeSpecial(v reflect.Value) (*yaml.Node, bool, error) {
	switch v.Type() {
	case targetType:
		return encodeTarget(v.Interface().(Target)), true, nil
	case durationType:
		return str(formatDuration(time.Duration(v.Int()))), true, nil
	case modeType:
		m := drivers.Mode(v.Int())
		if m < drivers.ModeSync || m > drivers.ModeOneway {
			return nil, true, fmt.Errorf("invalid send mode %d", m)
		}
		return str(m.String()), true, nil
	case kindType:
		return str(string(drivers.Kind(v.String()).Normal())), true, nil
	case rateType:
		r := v.Interface().(Rate)
		if r.Max {
			return str("max"), true, nil
		}
		return num(formatFloat(r.PerSecond)), true, nil
	case keysType:
		k := v.Interface().(Keys)
		if k.Count == 0 {
			return str("none"), true, nil
		}
		n := mapping(str("count"), num(strconv.Itoa(k.Count)), str("pick"), str(k.Pick))
		n.Style = yaml.FlowStyle
		return n, true, nil
	case expectType:
		n := mapping()
		for _, e := range v.Interface().([]Expectation) {
			t := num(e.threshold())
			if e.Op != "==" {
				t = str(e.threshold())
				t.Style = yaml.DoubleQuotedStyle
			}
			n.Content = append(n.Content, str(e.Metric), t)
		}
		if len(n.Content) > 0 {
			n.Style = 0
		}
		return n, true, nil
	case nemesisPtrType:
		if v.IsNil() {
			return nil, true, nil // no nemesis section
		}
		n, err := encode(v.Elem())
		return n, true, err
	case optionsType:
		if v.IsNil() {
			return nil, true, nil
		}
		n, err := encode(v.Elem())
		return n, true, err
	}
	return nil, false, nil
}

// encodeMarshaler lets yaml.Marshaler and encoding.TextMarshaler types
// encode themselves.
func encodeMarshaler(v reflect.Value) (*yaml.Node, bool, error) {
	if v.Kind() == reflect.Pointer && v.IsNil() || !v.CanInterface() {
		return nil, false, nil
	}
	x := v.Interface()
	if v.CanAddr() && v.Kind() != reflect.Pointer {
		x = v.Addr().Interface()
	}
	switch m := x.(type) {
	case yaml.Marshaler:
		var n yaml.Node
		err := safely(func() error {
			y, err := m.MarshalYAML()
			if err != nil {
				return err
			}
			return n.Encode(y)
		})
		return &n, true, err
	case encoding.TextMarshaler:
		var text []byte
		err := safely(func() (err error) { text, err = m.MarshalText(); return err })
		return str(string(text)), true, err
	}
	return nil, false, nil
}

// encodeAny encodes an interface value as decoder.decodeAny decoded it.
func encodeAny(v reflect.Value) (*yaml.Node, error) {
	if v.IsNil() {
		return scalar("!!null", "null"), nil
	}
	return encodeGeneric(v.Interface())
}

// encodeGeneric encodes a value of yaml's generic decoding, keeping
// integral floats floats ("3.0").
func encodeGeneric(x any) (*yaml.Node, error) {
	switch x := x.(type) {
	case float64:
		s := formatFloat(x)
		if !strings.ContainsAny(s, ".eEnN") {
			s += ".0"
		}
		return num(s), nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
		for _, e := range x {
			c, err := encodeGeneric(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case map[string]any:
		m := make(map[any]any, len(x))
		for k, v := range x {
			m[k] = v
		}
		return encodeGeneric(m)
	case map[any]any:
		return encodeGenericMap(x)
	}
	var n yaml.Node
	err := safely(func() error { return n.Encode(x) })
	return &n, err
}

// encodeGenericMap encodes a generic mapping, keys in a stable order.
func encodeGenericMap(m map[any]any) (*yaml.Node, error) {
	keys := make([]any, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return fmt.Sprintf("%T%v", keys[i], keys[i]) < fmt.Sprintf("%T%v", keys[j], keys[j])
	})
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	for _, k := range keys {
		kn, err := encodeGeneric(k)
		if err != nil {
			return nil, err
		}
		vn, err := encodeGeneric(m[k])
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, kn, vn)
	}
	return n, nil
}

func encodeSlice(v reflect.Value) (*yaml.Node, error) {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if v.Len() == 0 {
		n.Style = yaml.FlowStyle
	}
	for i := 0; i < v.Len(); i++ {
		c, err := encode(v.Index(i))
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, c)
	}
	return n, nil
}

func encodeMap(v reflect.Value) (*yaml.Node, error) {
	if v.Type().Key().Kind() != reflect.String {
		return nil, fmt.Errorf("cannot encode %s: map keys must be strings", v.Type())
	}
	keys := v.MapKeys()
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	n := mapping()
	for _, k := range keys {
		c, err := encode(v.MapIndex(k))
		if err != nil {
			return nil, err
		}
		n.Content = append(n.Content, str(k.String()), c)
	}
	if len(n.Content) > 0 {
		n.Style = 0
	}
	return n, nil
}

func encodeStruct(v reflect.Value) (*yaml.Node, error) {
	n := mapping()
	for _, f := range fieldsOf(v.Type()) {
		c, err := encode(v.FieldByIndex(f.index))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if c != nil {
			n.Content = append(n.Content, str(f.name), c)
		}
	}
	if len(n.Content) > 0 {
		n.Style = 0
	}
	return n, nil
}
