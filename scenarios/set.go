package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// applySet applies one --set override "dotted.path=value" to the tree
// rooted at root. Path segments name mapping keys or, when numeric, list
// indexes; a missing key is created (as a list when the next segment is
// numeric), and the index one past the end of a list appends. The value is
// parsed as YAML, so 5000 is a number, max a string and {count: 4} a
// mapping; text that is not valid YAML is taken as a string. Every node
// the override adds is remembered, so problems with it name the --set.
func (d *decoder) applySet(root *yaml.Node, set string) {
	loc := "--set " + set
	if d.setNo[loc] == 0 {
		d.setNo[loc] = len(d.setNo) + 1
	}
	rawPath, raw, ok := strings.Cut(set, "=")
	rawPath = strings.TrimSpace(rawPath)
	if !ok || rawPath == "" {
		d.setProblem(loc, "", "expected PATH=VALUE, e.g. workload.rate=5000")
		return
	}
	val, err := parseSetValue(raw)
	if err != nil {
		d.setProblem(loc, rawPath, "invalid value: %v", err)
		return
	}
	d.mark(val, loc)
	cur, shown := root, ""
	segs := strings.Split(rawPath, ".")
	if len(segs) > 1 && segs[0] == "expect" {
		d.seedExpect(root)
	}
	for i, seg := range segs {
		at, next := d.setSlot(cur, seg, shown, loc)
		if at < 0 {
			return
		}
		shown = next
		if i == len(segs)-1 {
			cur.Content[at] = val
			return
		}
		child := cur.Content[at]
		switch {
		case child.Kind == yaml.AliasNode:
			d.setProblem(loc, shown, "cannot set a field inside an alias (*%s)", child.Value)
			return
		case child.Kind == yaml.ScalarNode && child.ShortTag() == "!!null":
			child = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if _, err := strconv.Atoi(segs[i+1]); err == nil {
				child = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			}
			d.setBy[child] = loc
			cur.Content[at] = child
		}
		cur = child
	}
}

// setSlot returns the index in cur.Content of the value that segment seg
// names, adding a null placeholder when it is missing, and the path shown
// in messages; -1 after reporting a problem.
func (d *decoder) setSlot(cur *yaml.Node, seg, shown, loc string) (int, string) {
	switch cur.Kind {
	case yaml.MappingNode:
		next := joinPath(shown, seg)
		if seg == "" {
			d.setProblem(loc, shown, "empty field name in the path")
			return -1, next
		}
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if k := cur.Content[i]; k.Kind == yaml.ScalarNode && k.Value == seg {
				return i + 1, next
			}
		}
		k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: seg}
		d.setBy[k] = loc
		cur.Content = append(cur.Content, k, d.placeholder(loc))
		return len(cur.Content) - 1, next
	case yaml.SequenceNode:
		i, err := strconv.Atoi(seg)
		next := indexPath(shown, i)
		switch {
		case err != nil:
			d.setProblem(loc, shown, "is a list: %q must be an index", seg)
			return -1, next
		case i < 0 || i > len(cur.Content):
			d.setProblem(loc, next, "index out of range (the list has %d items; %d appends)", len(cur.Content), len(cur.Content))
			return -1, next
		case i == len(cur.Content):
			cur.Content = append(cur.Content, d.placeholder(loc))
		}
		return i, next
	}
	d.setProblem(loc, shown, "is %s, not a mapping or a list", describe(cur))
	return -1, shown
}

// seedExpect writes the default expectations into root when it has no
// expect section, so that --set expect.METRIC=... adds to the defaults
// instead of replacing them.
func (d *decoder) seedExpect(root *yaml.Node) {
	at := -1
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && k.Value == "expect" {
			if v := root.Content[i+1]; v.Kind != yaml.ScalarNode || v.ShortTag() != "!!null" {
				return
			}
			at = i + 1
			break
		}
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, e := range DefaultExpect() {
		m.Content = append(m.Content, str(e.Metric), num(formatFloat(e.Value)))
	}
	d.mark(m, "default")
	if at < 0 {
		k := str("expect")
		d.setBy[k] = "default"
		root.Content = append(root.Content, k, m)
		return
	}
	root.Content[at] = m
}

// placeholder makes a null node owned by the --set loc.
func (d *decoder) placeholder(loc string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null"}
	d.setBy[n] = loc
	return n
}

// mark records every node of the tree n as coming from the --set loc.
func (d *decoder) mark(n *yaml.Node, loc string) {
	d.setBy[n] = loc
	for _, c := range n.Content {
		d.mark(c, loc)
	}
}

// setProblem reports a problem with a --set override.
func (d *decoder) setProblem(loc, field, format string, args ...any) {
	d.errs.add(Problem{Where: loc, Field: field, Msg: fmt.Sprintf(format, args...), set: d.setNo[loc]})
	d.bad[field] = true
}

// parseSetValue parses the value of a --set as a single YAML value.
// Empty text is the empty string; text that does not parse is a string,
// unless it starts a flow mapping or list ({ or [).
func parseSetValue(raw string) (*yaml.Node, error) {
	str := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: raw}
	if strings.TrimSpace(raw) == "" {
		return str, nil
	}
	var doc, next yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader([]byte(raw)))
	err := safely(func() error { return dec.Decode(&doc) })
	if err == nil {
		if err2 := safely(func() error { return dec.Decode(&next) }); !errors.Is(err2, io.EOF) {
			err = errors.New("more than one YAML document")
		}
	}
	if err == nil && len(doc.Content) == 1 {
		n := doc.Content[0]
		n.Line, n.Column = 0, 0
		return n, nil
	}
	if t := strings.TrimSpace(raw); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		if err == nil {
			err = errors.New("not a single YAML value")
		}
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			msg = m[2]
		}
		return nil, errors.New(msg)
	}
	return str, nil
}
