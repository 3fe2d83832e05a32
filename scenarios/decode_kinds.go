package scenarios

import (
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// entry is one key/value pair of a mapping, with the key as a name.
type entry struct {
	name     string
	key, val *yaml.Node
}

// entries checks that n is a mapping with plain, unique keys and returns
// its pairs; problems are reported and the offending pairs skipped.
func (d *decoder) entries(n *yaml.Node, path string) ([]entry, bool) {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, path, "expected a mapping, got %s", describe(n))
		return nil, false
	}
	first := map[string]*yaml.Node{}
	var out []entry
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		rk := resolveAlias(k)
		switch {
		case rk == nil || rk.Kind != yaml.ScalarNode:
			d.errorf(k, path, "a key must be a name, got %s", describe(k))
			continue
		case rk.Tag == "!!merge":
			d.errorf(k, path, "merge keys (<<) are not supported")
			continue
		}
		p := joinPath(path, rk.Value)
		if prev, dup := first[rk.Value]; dup {
			d.errorf(k, p, "duplicate key (first at %s)", d.lineOf(prev))
			continue
		}
		first[rk.Value] = k
		out = append(out, entry{name: rk.Value, key: k, val: v})
	}
	return out, true
}

// field is a decodable struct field.
type field struct {
	name  string
	index []int
}

// fieldsOf lists the fields of struct type t by yaml name, in order,
// flattening ",inline" structs.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, flags, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(","+flags+",", ",inline,") && f.Type.Kind() == reflect.Struct {
			for _, sub := range fieldsOf(f.Type) {
				out = append(out, field{sub.name, append([]int{i}, sub.index...)})
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{name, []int{i}})
	}
	return out
}

// fieldNames joins the yaml names of fs for "allowed:" lists.
func fieldNames(fs []field) string {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// decodeStruct decodes a mapping into struct v, field by field; fields
// absent from the mapping keep their values.
func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	fs := fieldsOf(v.Type())
	for _, e := range es {
		p := joinPath(path, e.name)
		idx := -1
		for i, f := range fs {
			if f.name == e.name {
				idx = i
				break
			}
		}
		if idx < 0 {
			allowed := "allowed: " + fieldNames(fs)
			if len(fs) == 0 {
				allowed = "no fields are allowed here"
			}
			d.errorf(e.key, p, "unknown field (%s)", allowed)
			continue
		}
		d.keyAt[p] = e.key
		d.decode(e.val, v.FieldByIndex(fs[idx].index), p)
	}
}

// decodeSlice decodes a list; it replaces the default. An empty list
// yields a nil slice.
func (d *decoder) decodeSlice(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, path, "expected a list, got %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, c := range n.Content {
		d.decode(c, s.Index(i), indexPath(path, i))
	}
	v.Set(s)
}

// decodeMap decodes a mapping into a map with string keys; it replaces
// the default. An empty mapping yields a nil map.
func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) {
	t := v.Type()
	if t.Key().Kind() != reflect.String {
		d.errorf(n, path, "cannot decode into %s (a driver bug: map keys must be strings)", t)
		return
	}
	es, ok := d.entries(n, path)
	if !ok {
		return
	}
	if len(es) == 0 {
		v.Set(reflect.Zero(t))
		return
	}
	m := reflect.MakeMapWithSize(t, len(es))
	for _, e := range es {
		p := joinPath(path, e.name)
		d.keyAt[p] = e.key
		ev := reflect.New(t.Elem()).Elem()
		d.decode(e.val, ev, p)
		m.SetMapIndex(reflect.ValueOf(e.name).Convert(t.Key()), ev)
	}
	v.Set(m)
}

// decodeAny decodes into an empty interface with yaml's generic rules.
func (d *decoder) decodeAny(n *yaml.Node, v reflect.Value, path string) {
	if v.NumMethod() != 0 {
		d.errorf(n, path, "cannot decode into %s (a driver bug)", v.Type())
		return
	}
	var x any
	if err := safely(func() error { return n.Decode(&x) }); err != nil {
		d.errorf(n, path, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return
	}
	if x != nil {
		v.Set(reflect.ValueOf(x))
	}
}
