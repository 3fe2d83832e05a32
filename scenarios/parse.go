package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// parseDocument parses data as exactly one YAML document whose root is a
// mapping and returns that mapping, or nil after adding the problem.
func parseDocument(where string, data []byte, errs *Errors) (root *yaml.Node) {
	defer func() {
		if r := recover(); r != nil {
			errs.add(Problem{Where: where + ":1", Line: 1, Msg: fmt.Sprintf("invalid YAML: parser failed: %v", r)})
			root = nil
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			errs.add(Problem{Where: where + ":1", Line: 1, Msg: "the scenario is empty"})
		} else {
			errs.add(yamlProblem(where, data, err))
		}
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		errs.add(yamlProblem(where, data, err))
		return nil
	default:
		errs.add(problemAt(where, next.Line, "", "only one YAML document is allowed, a second one starts here"))
		return nil
	}
	if len(doc.Content) != 1 {
		errs.add(Problem{Where: where + ":1", Line: 1, Msg: "the scenario is empty"})
		return nil
	}
	n := doc.Content[0]
	switch {
	case n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null":
		errs.add(problemAt(where, n.Line, "", "the scenario is empty"))
		return nil
	case n.Kind != yaml.MappingNode:
		errs.add(problemAt(where, n.Line, "", "the scenario must be a mapping of fields, got "+describe(n)))
		return nil
	}
	return n
}

// problemAt makes a problem located at line of the file where.
func problemAt(where string, line int, field, msg string) Problem {
	if line < 1 {
		line = 1
	}
	return Problem{Where: where + ":" + strconv.Itoa(line), Line: line, Field: field, Msg: msg}
}

var (
	yamlLineRE   = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlAnchorRE = regexp.MustCompile(`^yaml: unknown anchor '(.*)' referenced$`)
)

// yamlProblem turns a yaml parser error into a problem at the parser's
// line ("yaml: line 3: did not find expected key").
func yamlProblem(where string, data []byte, err error) Problem {
	msg := err.Error()
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return problemAt(where, line, "", "invalid YAML: "+m[2])
	}
	line := 1
	if m := yamlAnchorRE.FindStringSubmatch(msg); m != nil {
		// The parser gives no line for an unknown alias; find its use.
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = 1 + bytes.Count(data[:i], []byte("\n"))
		}
	}
	return problemAt(where, line, "", "invalid YAML: "+strings.TrimPrefix(msg, "yaml: "))
}

// describe names what n holds, for "expected X, got Y" messages.
func describe(n *yaml.Node) string {
	n = resolveAlias(n)
	switch {
	case n == nil:
		return "nothing"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.DocumentNode:
		return "a document"
	}
	v := n.Value
	if len(v) > 40 {
		v = v[:37] + "..."
	}
	switch n.ShortTag() {
	case "!!null":
		return "null"
	case "!!str":
		if _, err := strconv.ParseFloat(strings.TrimSpace(n.Value), 64); err == nil {
			return strconv.Quote(v) + " (a string; drop the quotes for a number)"
		}
	}
	return strconv.Quote(v)
}

// resolveAlias follows alias nodes to the anchored node; nil if dangling.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode; i++ {
		if i > 100 {
			return nil
		}
		n = n.Alias
	}
	return n
}
