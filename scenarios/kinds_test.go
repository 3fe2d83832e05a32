package scenarios

import (
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
)

// phased is minimal with three phases; the second sets its own kind.
const phased = `name: phased
driver:
  name: memory
destinations:
  - name: events
workload:
  rate: 100
  phases:
    - {name: a, duration: 1s}
    - {name: b, duration: 1s, kind: KIND_B}
    - {name: c, duration: 1s}
`

func TestKindLoads(t *testing.T) {
	reg := testRegistry()
	tests := []struct {
		name  string
		src   string
		sets  []string
		check func(*Scenario) bool
	}{
		{"default plain", minimal, nil, func(s *Scenario) bool {
			return s.Workload.Kind == drivers.KindPlain && s.Workload.EffectivePhases()[0].Kind == drivers.KindPlain
		}},
		{"workload delayed", minimal, []string{"workload.kind=delayed"}, func(s *Scenario) bool {
			return s.Workload.Kind == drivers.KindDelayed && s.Workload.EffectivePhases()[0].Kind == drivers.KindDelayed
		}},
		{"explicit plain", minimal, []string{"workload.kind=plain"}, func(s *Scenario) bool { return s.Workload.Kind == drivers.KindPlain }},
		{"empty is plain", minimal, []string{`workload.kind=""`}, func(s *Scenario) bool { return s.Workload.Kind == drivers.KindPlain }},
		{"phases inherit, one overrides", strings.Replace(phased, "KIND_B", "plain", 1), []string{"workload.kind=delayed"},
			func(s *Scenario) bool {
				ph := s.Workload.Phases
				return ph[0].Kind == drivers.KindDelayed && ph[1].Kind == drivers.KindPlain && ph[2].Kind == drivers.KindDelayed
			}},
		{"one delayed phase", strings.Replace(phased, "KIND_B", "delayed", 1), nil, func(s *Scenario) bool {
			ph := s.Workload.Phases
			return s.Workload.Kind == drivers.KindPlain && ph[0].Kind == drivers.KindPlain && ph[1].Kind == drivers.KindDelayed
		}},
		{"kitchen driver kinds", kitchen, []string{"workload.kind=transactional"}, func(s *Scenario) bool {
			return s.Workload.Kind == drivers.KindTransactional
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load("t.yaml", []byte(tt.src), reg, tt.sets)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(s) {
				t.Errorf("unexpected workload %+v", s.Workload)
			}
			roundTrip(t, s, reg)
		})
	}
}

func TestKindErrors(t *testing.T) {
	reg := testRegistry()
	tests := []struct {
		name, src string
		sets      []string
		want      string
	}{
		{"unknown kind", minimal + "  kind: sideways\n", nil,
			`t.yaml:9: workload.kind: unknown message kind "sideways" (allowed for driver memory: plain, delayed)`},
		{"kind the driver lacks", minimal + "  kind: transactional\n", nil,
			`t.yaml:9: workload.kind: driver memory does not support message kind "transactional" (allowed for driver memory: plain, delayed)`},
		{"plain-only driver", minimal, []string{"driver={name: bare}", "workload.kind=delayed"},
			`--set workload.kind=delayed: workload.kind: driver bare does not support message kind "delayed" (allowed for driver bare: plain)`},
		{"kitchen lists its kinds in display order", kitchen, []string{"workload.kind=delayed"},
			`--set workload.kind=delayed: workload.kind: driver kitchen does not support message kind "delayed" (allowed for driver kitchen: plain, ordered, transactional, batch)`},
		{"phase kind", strings.Replace(phased, "KIND_B", "ordered", 1), nil,
			`t.yaml:10: workload.phases[1].kind: driver memory does not support message kind "ordered" (allowed for driver memory: plain, delayed)`},
		{"not a string", minimal + "  kind: [delayed]\n", nil,
			`t.yaml:9: workload.kind: expected one of plain, ordered, delayed, transactional, batch, got a list`},
		{"unknown driver: spelling only", minimal + "  kind: nope\n", []string{"driver.name=nosuch"},
			`t.yaml:9: workload.kind: unknown message kind "nope" (allowed: plain, ordered, delayed, transactional, batch)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load("t.yaml", []byte(tt.src), reg, tt.sets)
			if err == nil {
				t.Fatal("loaded")
			}
			found := false
			for _, p := range problems(t, err) {
				found = found || p == tt.want
			}
			if !found {
				t.Errorf("problems:\n%v\nwant the line\n%s", err, tt.want)
			}
		})
	}
}

func TestKindMarshal(t *testing.T) {
	reg := testRegistry()
	load := func(src string, sets ...string) string {
		t.Helper()
		s, err := Load("t.yaml", []byte(src), reg, sets)
		if err != nil {
			t.Fatal(err)
		}
		out, err := Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	if out := load(minimal); strings.Contains(out, "kind") {
		t.Errorf("plain kind written:\n%s", out)
	}
	if out := load(minimal, "workload.kind=delayed"); !strings.Contains(out, "  kind: delayed\n") {
		t.Errorf("delayed kind missing:\n%s", out)
	}
	// A plain phase under a delayed workload must say plain, or it would
	// inherit delayed when loaded again; a plain workload's plain phases
	// say nothing.
	out := load(strings.Replace(phased, "KIND_B", "plain", 1), "workload.kind=delayed")
	if strings.Count(out, "kind: plain") != 1 || strings.Count(out, "kind: delayed") != 3 {
		t.Errorf("phase kinds:\n%s", out)
	}
	out = load(strings.Replace(phased, "KIND_B", "delayed", 1))
	if strings.Contains(out, "kind: plain") || strings.Count(out, "kind: delayed") != 1 {
		t.Errorf("phase kinds:\n%s", out)
	}
}

func TestPhaseStringKind(t *testing.T) {
	s, err := Load("t.yaml", []byte(strings.Replace(phased, "KIND_B", "delayed", 1)), testRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Workload.Phases[1].String(); got != "b: sync delayed 1s @ 100/s" {
		t.Errorf("String() = %q", got)
	}
	if got := s.Workload.Phases[0].String(); got != "a: sync 1s @ 100/s" {
		t.Errorf("String() = %q", got)
	}
}
