package scenarios

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

// problems returns the lines of err, which must be an *Errors.
func problems(t testing.TB, err error) []string {
	t.Helper()
	var errs *Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not an *Errors", err, err)
	}
	return strings.Split(errs.Error(), "\n")
}

// withoutWhere returns a copy of s with every Expectation.Where cleared,
// for comparing scenarios loaded from different sources.
func withoutWhere(s *Scenario) *Scenario {
	c := *s
	c.Expect = nil
	for _, e := range s.Expect {
		e.Where = ""
		c.Expect = append(c.Expect, e)
	}
	return &c
}

// roundTrip marshals s, loads the result and checks that it is equal.
func roundTrip(t testing.TB, s *Scenario, reg Registry) {
	t.Helper()
	out, err := Marshal(s)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	s2, err := Load("effective.yaml", out, reg, nil)
	if err != nil {
		t.Fatalf("Load(Marshal(s)): %v\n%s", err, out)
	}
	if a, b := withoutWhere(s), withoutWhere(s2); !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the scenario:\nbefore %+v\nafter  %+v\nyaml:\n%s", a, b, out)
	}
}
