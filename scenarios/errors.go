package scenarios

import (
	"sort"
	"strings"
)

// Problem is one thing wrong with a scenario.
type Problem struct {
	// Where is "FILE:LINE" (or just "FILE" for problems with the file as a
	// whole), or "--set PATH=VALUE" for a problem introduced by an override.
	Where string
	// Line is the 1-based line in the file; 0 for --set and file-level
	// problems.
	Line int
	// Field is the dotted field path (e.g. "workload.mode",
	// "destinations[1].name"); empty for document-level problems.
	Field string
	// Msg says what is wrong and, where it helps, what is allowed.
	Msg string

	set int // 1 + the index of the --set it comes from; 0 for the file
}

// String formats p as "WHERE: FIELD: MSG" (or "WHERE: MSG" without field).
func (p Problem) String() string {
	if p.Field == "" {
		return p.Where + ": " + p.Msg
	}
	return p.Where + ": " + p.Field + ": " + p.Msg
}

// Errors is every problem found while loading a scenario. Load returns it
// as its error; use errors.As to get at the individual problems.
type Errors struct {
	Problems []Problem
}

// Error joins the problems, one per line.
func (e *Errors) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

func (e *Errors) add(p Problem) { e.Problems = append(e.Problems, p) }

// sort orders the problems by line, keeping --set problems after the
// file's, in the order of the overrides.
func (e *Errors) sort() {
	sort.SliceStable(e.Problems, func(i, j int) bool {
		a, b := e.Problems[i], e.Problems[j]
		if a.set != b.set {
			return a.set < b.set
		}
		return a.Line < b.Line
	})
}

// err returns e as an error, or nil when there is no problem.
func (e *Errors) err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	e.sort()
	return e
}
