package scenarios

import (
	"math"
	"reflect"
	"testing"
)

func TestHolds(t *testing.T) {
	tests := []struct {
		op      string
		v       float64
		holds   bool
		display string
	}{
		{"<", 49.9, true, "m < 50"}, {"<", 50, false, "m < 50"},
		{"<=", 50, true, "m <= 50"}, {"<=", 50.1, false, "m <= 50"},
		{"==", 50, true, "m == 50"}, {"==", 0, false, "m == 50"},
		{"!=", 0, true, "m != 50"}, {"!=", 50, false, "m != 50"},
		{">=", 50, true, "m >= 50"}, {">=", 49, false, "m >= 50"},
		{">", 51, true, "m > 50"}, {">", 50, false, "m > 50"},
		{"~", 50, false, "m ~ 50"},
		{"<", math.NaN(), false, "m < 50"}, {"!=", math.NaN(), true, "m != 50"},
	}
	for _, tt := range tests {
		e := Expectation{Metric: "m", Op: tt.op, Value: 50}
		if got := e.Holds(tt.v); got != tt.holds {
			t.Errorf("%s holds for %v = %v, want %v", e, tt.v, got, tt.holds)
		}
		if e.String() != tt.display {
			t.Errorf("String() = %q, want %q", e.String(), tt.display)
		}
	}
	if s := (Expectation{Metric: "p99_publish_ms", Op: "<", Value: 0.5}).String(); s != "p99_publish_ms < 0.5" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseThreshold(t *testing.T) {
	tests := []struct {
		in  string
		op  string
		v   float64
		bad bool
	}{
		{"< 50", "<", 50, false}, {"<50", "<", 50, false}, {" >= 1e3 ", ">=", 1000, false},
		{"== -2", "==", -2, false}, {"!= 0", "!=", 0, false}, {"> 0.5", ">", 0.5, false},
		{"<= 7", "<=", 7, false}, {"42", "==", 42, false},
		{"<", "", 0, true}, {"=< 5", "", 0, true}, {"about 5", "", 0, true}, {"", "", 0, true},
	}
	for _, tt := range tests {
		op, v, err := parseThreshold(tt.in)
		if (err != nil) != tt.bad || !tt.bad && (op != tt.op || v != tt.v) {
			t.Errorf("parseThreshold(%q) = %q, %v, %v", tt.in, op, v, err)
		}
	}
}

func TestDefaultExpect(t *testing.T) {
	got := DefaultExpect()
	want := []Expectation{
		{"lost", "==", 0, "default"}, {"unexpected", "==", 0, "default"}, {"aborted_read", "==", 0, "default"},
		{"duplicate", "==", 0, "default"}, {"reorder", "==", 0, "default"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DefaultExpect() = %v", got)
	}
	got[0].Value = 1
	if DefaultExpect()[0].Value != 0 {
		t.Error("DefaultExpect shares its slice")
	}
}
