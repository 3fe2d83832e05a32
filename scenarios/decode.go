package scenarios

import (
	"encoding"
	"fmt"
	"github.com/brokerbench/brokerbench/compose"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxAliasValues bounds the values decoded through aliases, so that
// aliases cannot expand a small file into a huge amount of work.
const maxAliasValues = 100_000

// decoder is a strict reflective decoder from a yaml.Node tree into Go
// values using their yaml tags. It collects every problem into errs and
// remembers where each field path was, for later validation messages.
type decoder struct {
	file  string
	errs  *Errors
	setBy map[*yaml.Node]string // nodes that came from --set -> "--set p=v"
	setNo map[string]int        // "--set p=v" -> 1 + its index
	keyAt map[string]*yaml.Node // field path -> its key node
	valAt map[string]*yaml.Node // field path -> its value node
	seen  map[string]bool       // field paths holding a non-null value
	bad   map[string]bool       // field paths already reported
	// options are the driver.options and cluster.options nodes by path,
	// decoded once the driver and the backend are known.
	options map[string]*yaml.Node
	// cluster is the scenario's cluster backend, once decodeOptions found
	// it (nil otherwise): fault kinds are checked against it.
	cluster *compose.Factory
	// inAlias counts the aliases being decoded; aliasValues the values
	// decoded through them; aliasUse is the outermost alias and its path.
	inAlias     int
	aliasValues int
	aliasUse    *yaml.Node
	aliasPath   string
	aborted     bool
}

func newDecoder(file string, errs *Errors) *decoder {
	return &decoder{
		file:  file,
		errs:  errs,
		setBy: map[*yaml.Node]string{},
		setNo: map[string]int{},
		keyAt: map[string]*yaml.Node{},
		valAt: map[string]*yaml.Node{},
		seen:  map[string]bool{},
		bad:   map[string]bool{},

		options: map[string]*yaml.Node{},
	}
}

// locate returns the "FILE:LINE" or "--set ..." location of n.
func (d *decoder) locate(n *yaml.Node) (string, int) {
	if n == nil {
		return d.file + ":1", 1
	}
	if s, ok := d.setBy[n]; ok {
		return s, 0
	}
	line := max(n.Line, 1)
	return d.file + ":" + strconv.Itoa(line), line
}

// lineOf names where n is, for "see also" parts of messages: "line 7"
// in the file, or the --set it came from.
func (d *decoder) lineOf(n *yaml.Node) string {
	if s, ok := d.setBy[n]; ok {
		return s
	}
	return "line " + strconv.Itoa(max(n.Line, 1))
}

// errorf reports a problem with the field at path, located at node n.
func (d *decoder) errorf(n *yaml.Node, path, format string, args ...any) {
	where, line := d.locate(n)
	d.errs.add(Problem{Where: where, Line: line, Field: path, Msg: fmt.Sprintf(format, args...), set: d.setNo[where]})
	d.bad[path] = true
}

// problem reports a problem with the field at path, located at that
// field or, when it is missing, at its nearest existing parent.
func (d *decoder) problem(path, format string, args ...any) {
	d.errorf(d.at(path), path, format, args...)
}

// at returns the node that best locates path: its value when that came
// from --set, else its key, else its value, else the nearest parent's.
func (d *decoder) at(path string) *yaml.Node {
	for {
		v := d.valAt[path]
		if _, set := d.setBy[v]; v != nil && set {
			return v
		}
		if k := d.keyAt[path]; k != nil {
			return k
		}
		if v != nil || path == "" {
			return v
		}
		path = parentPath(path)
	}
}

// decode decodes n into v. A null value keeps what v holds (the default).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	if d.aborted {
		return
	}
	if n.Kind == yaml.AliasNode {
		if d.inAlias == 0 {
			d.aliasUse, d.aliasPath = n, path
		}
		d.inAlias++
		defer func() { d.inAlias-- }()
	}
	if d.inAlias > 0 {
		if d.aliasValues++; d.aliasValues > maxAliasValues {
			d.aborted = true
			d.errorf(d.aliasUse, d.aliasPath, "the scenario is too complex: its aliases expand to more than %d values", maxAliasValues)
			return
		}
	}
	d.valAt[path] = n
	r := resolveAlias(n)
	if r == nil || r.Kind == yaml.ScalarNode && r.ShortTag() == "!!null" {
		return
	}
	if strings.HasPrefix(r.Tag, "!") && !strings.HasPrefix(r.Tag, "!!") {
		d.errorf(r, path, "unsupported YAML tag %s", r.Tag)
		return
	}
	d.seen[path] = true
	d.decodeValue(r, v, path)
}

// decodeValue decodes the non-null, alias-free node n into v.
func (d *decoder) decodeValue(n *yaml.Node, v reflect.Value, path string) {
	if d.decodeSpecial(n, v, path) || d.decodeUnmarshaler(n, v, path) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.Slice:
		d.decodeSlice(n, v, path)
	case reflect.Map:
		d.decodeMap(n, v, path)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		if !v.IsNil() {
			p.Elem().Set(v.Elem()) // start from a copy of the default
		}
		d.decodeValue(n, p.Elem(), path)
		v.Set(p)
	case reflect.Interface:
		d.decodeAny(n, v, path)
	default:
		d.decodeScalar(n, v, path)
	}
}

// decodeUnmarshaler lets types that implement yaml.Unmarshaler or
// encoding.TextUnmarshaler decode themselves.
func (d *decoder) decodeUnmarshaler(n *yaml.Node, v reflect.Value, path string) bool {
	if !v.CanAddr() {
		return false
	}
	switch u := v.Addr().Interface().(type) {
	case yaml.Unmarshaler:
		if err := safely(func() error { return u.UnmarshalYAML(n) }); err != nil {
			d.errorf(n, path, "%v", err)
		}
		return true
	case encoding.TextUnmarshaler:
		if n.Kind != yaml.ScalarNode {
			d.errorf(n, path, "expected a string, got %s", describe(n))
		} else if err := safely(func() error { return u.UnmarshalText([]byte(n.Value)) }); err != nil {
			d.errorf(n, path, "%v", err)
		}
		return true
	}
	return false
}

// safely runs f, turning a panic into an error.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}
