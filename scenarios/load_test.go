package scenarios

import (
	"reflect"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// minimal is the smallest valid scenario.
const minimal = `name: min
driver:
  name: memory
destinations:
  - name: events
workload:
  rate: 100
  duration: 10s
`

// kitchen uses every kind of driver option.
const kitchen = `name: kitchen
driver:
  name: kitchen
  options:
    region: eu-west-1
    brokers: [a:9092, b:9092]
    ratio: 0.25
    small: 0.1
    enabled: true
    count: -7
    unsigned: 65535
    timeout: 1m30s
    mode: oneway
    nested:
      items:
        - {name: a, weight: 1.5, after: 250ms}
      deep: {name: deep}
    optional: 3
    labels: {team: core, env: "prod"}
    extra: {any: [1, two, {three: 3.0}]}
    level: high
    notag: plain
destinations:
  - {name: t1, partitions: 3}
  - name: t2
workload:
  destination: t2
  rate: 0.5
  keys: {count: 1000000, pick: random}
  duration: 24h
expect: {}
`

func TestLoadDefaults(t *testing.T) {
	s, err := Load("min.yaml", []byte(minimal), testRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := &Scenario{
		Name: "min",
		Driver: DriverSpec{Name: "memory", Options: &memoryOptions{
			Inject: inject{Seed: 1, ReorderDistance: 3},
		}},
		Destinations: []Destination{{Name: "events", Partitions: 1}},
		Workload: Workload{
			Destination: "events", Producers: 1, Consumers: 1, Mode: drivers.ModeSync,
			Kind: drivers.KindPlain, Window: 64, Rate: Rate{PerSecond: 100}, MessageSize: 124,
			Keys: Keys{Pick: PickRoundRobin}, Duration: 10 * time.Second,
			DrainTimeout: 10 * time.Second, DrainQuiet: 2 * time.Second,
			SendTimeout: 10 * time.Second, Seed: 1,
		},
		Expect: DefaultExpect(),
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got  %+v\nwant %+v", s, want)
	}
}

func TestLoadKitchen(t *testing.T) {
	s, err := Load("kitchen.yaml", []byte(kitchen), testRegistry(), nil)
	if err != nil {
		t.Fatal(err)
	}
	three := 3
	want := &kitchenOptions{
		Embedded: Embedded{Region: "eu-west-1"},
		Brokers:  []string{"a:9092", "b:9092"}, Ratio: 0.25, Small: 0.1, Enabled: true,
		Count: -7, Unsigned: 65535, Timeout: 90 * time.Second, Mode: drivers.ModeOneway,
		Optional: &three, Labels: map[string]string{"team": "core", "env": "prod"},
		Extra: map[string]any{"any": []any{1, "two", map[string]any{"three": 3.0}}},
		Level: 2, NoTag: "plain",
	}
	want.Nested.Items = []item{{Name: "a", Weight: 1.5, After: 250 * time.Millisecond}}
	want.Nested.Deep.Name = "deep"
	if !reflect.DeepEqual(s.Driver.Options, want) {
		t.Fatalf("options:\ngot  %+v\nwant %+v", s.Driver.Options, want)
	}
	if s.Expect != nil {
		t.Errorf("expect: {} gave %v, want no expectations", s.Expect)
	}
	if s.Workload.Keys != (Keys{Count: 1000000, Pick: PickRandom}) || s.Workload.Rate.PerSecond != 0.5 {
		t.Errorf("workload = %+v", s.Workload)
	}
	if s.Destinations[1].Partitions != 1 || s.Destinations[0].Partitions != 3 {
		t.Errorf("destinations = %+v", s.Destinations)
	}
}

func TestLoadAccepts(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string   // the whole file; minimal when empty
		sets  []string // applied over it
		check func(*Scenario) bool
	}{
		{"rate max", "", []string{"workload.rate=max"}, func(s *Scenario) bool { return s.Workload.Rate == Rate{Max: true} }},
		{"zero duration without unit", "", []string{"workload.warmup=0"}, func(s *Scenario) bool { return s.Workload.Warmup == 0 }},
		{"keys none", "", []string{"workload.keys=none"}, func(s *Scenario) bool { return s.Workload.Keys.Count == 0 }},
		{"keys count 0 resets pick", "", []string{"workload.keys={count: 0, pick: random}"},
			func(s *Scenario) bool { return s.Workload.Keys == Keys{Pick: PickRoundRobin} }},
		{"keys pick defaults", "", []string{"workload.keys={count: 3}"},
			func(s *Scenario) bool { return s.Workload.Keys == Keys{Count: 3, Pick: PickRoundRobin} }},
		{"null keeps default", "", []string{"workload.producers=null", "workload.mode=~"},
			func(s *Scenario) bool { return s.Workload.Producers == 1 && s.Workload.Mode == drivers.ModeSync }},
		{"null expect means defaults", minimal + "expect:\n", nil,
			func(s *Scenario) bool { return reflect.DeepEqual(s.Expect, DefaultExpect()) }},
		{"aliases", "name: &n min\ndescription: *n\n" + minimal[len("name: min\n"):], nil,
			func(s *Scenario) bool { return s.Description == "min" }},
		{"consumers 0", "", []string{"workload.consumers=0"}, func(s *Scenario) bool { return s.Workload.Consumers == 0 }},
		{"hex int", "", []string{"workload.seed=0x10"}, func(s *Scenario) bool { return s.Workload.Seed == 16 }},
		{"float rate", "", []string{"workload.rate=1.5e3"}, func(s *Scenario) bool { return s.Workload.Rate.PerSecond == 1500 }},
		{"expect ops", minimal + `expect: {lost: 0, p99_e2e_ms: "<=5", send_rate: ">= 1e3", sent: "!= 0", acked: "== 2", failed: "3"}`, nil,
			func(s *Scenario) bool {
				return len(s.Expect) == 6 && s.Expect[1].Op == "<=" && s.Expect[2].Value == 1000 &&
					s.Expect[3].Op == "!=" && s.Expect[4].Value == 2 && s.Expect[5].Op == "==" &&
					s.Expect[1].Where == "t.yaml:9"
			}},
		{"null driver empty options", "", []string{`driver={name: "null", options: {}}`},
			func(s *Scenario) bool { return reflect.DeepEqual(s.Driver.Options, &nullOptions{}) }},
		{"bare driver null options", "", []string{"driver={name: bare, options: null}"},
			func(s *Scenario) bool { return s.Driver.Options == nil }},
		{"second destination", "", []string{"destinations.1={name: other, partitions: 2}", "workload.destination=other"},
			func(s *Scenario) bool {
				return s.Destinations[1] == Destination{"other", 2} && s.Workload.Destination == "other"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.yaml
			if src == "" {
				src = minimal
			}
			s, err := Load("t.yaml", []byte(src), testRegistry(), tt.sets)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil && !tt.check(s) {
				t.Errorf("unexpected scenario %+v", s)
			}
			roundTrip(t, s, testRegistry())
		})
	}
}
