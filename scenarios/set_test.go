package scenarios

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSetApplies(t *testing.T) {
	tests := []struct {
		name  string
		sets  []string
		check func(*Scenario) bool
	}{
		{"int", []string{"workload.rate=5000"}, func(s *Scenario) bool { return s.Workload.Rate == Rate{PerSecond: 5000} }},
		{"max", []string{"workload.rate=max"}, func(s *Scenario) bool { return s.Workload.Rate.Max }},
		{"mapping", []string{"workload.keys={count: 4}"}, func(s *Scenario) bool { return s.Workload.Keys == Keys{4, PickRoundRobin} }},
		{"creates missing key", []string{"workload.warmup=2s"}, func(s *Scenario) bool { return s.Workload.Warmup == 2*time.Second }},
		{"later wins", []string{"workload.producers=2", "workload.producers=3"}, func(s *Scenario) bool { return s.Workload.Producers == 3 }},
		{"list index", []string{"destinations.0.partitions=8"}, func(s *Scenario) bool { return s.Destinations[0].Partitions == 8 }},
		{"list append", []string{"destinations.1.name=more"}, func(s *Scenario) bool { return len(s.Destinations) == 2 && s.Destinations[1].Name == "more" }},
		{"equals in value", []string{"description=a=b"}, func(s *Scenario) bool { return s.Description == "a=b" }},
		{"empty value", []string{"description="}, func(s *Scenario) bool { return s.Description == "" }},
		{"not YAML is a string", []string{"description=> 50"}, func(s *Scenario) bool { return s.Description == "> 50" }},
		{"expect kept from file", []string{"expect.lost=1"}, nil},
		{"expect adds to defaults", []string{"expect.p99_publish_ms=<= 10", "expect.lost=1"}, func(s *Scenario) bool {
			return expectStrings(s) == "lost == 1, unexpected == 0, aborted_read == 0, duplicate == 0, reorder == 0, p99_publish_ms <= 10" &&
				s.Expect[0].Where == "--set expect.lost=1" && s.Expect[1].Where == "default" && s.Expect[5].Where == "--set expect.p99_publish_ms=<= 10"
		}},
		{"expect replaced whole", []string{`expect={sent: "> 0"}`}, func(s *Scenario) bool { return expectStrings(s) == "sent > 0" }},
		{"driver options nested", []string{"driver.options.inject.drop=6", "driver.options.stalls.0={at: 1s, for: 2s}"}, func(s *Scenario) bool {
			o := s.Driver.Options.(*memoryOptions)
			return o.Inject.Drop == 6 && o.Inject.Seed == 1 && reflect.DeepEqual(o.Stalls, []stall{{time.Second, 2 * time.Second}})
		}},
		{"driver options whole", []string{"driver.options={ack_latency: 1ms}"}, func(s *Scenario) bool {
			return s.Driver.Options.(*memoryOptions).AckLatency == time.Millisecond
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := minimal
			if tt.name == "expect kept from file" {
				src += "expect: {sent: \"> 0\"}\n"
			}
			s, err := Load("min.yaml", []byte(src), testRegistry(), tt.sets)
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil && !tt.check(s) {
				t.Errorf("unexpected scenario %+v", s)
			}
			if tt.name == "expect kept from file" && len(s.Expect) != 2 {
				t.Errorf("expect = %v", s.Expect)
			}
			roundTrip(t, s, testRegistry())
		})
	}
}

func TestSetErrors(t *testing.T) {
	tests := []struct {
		set  string
		want string
	}{
		{"workload.rate=abc", `--set workload.rate=abc: workload.rate: expected a number (messages per second) or "max", got "abc"`},
		{"workload.ratee=5", "--set workload.ratee=5: workload.ratee: unknown field (" + allowedWorkload + ")"},
		{"workload.producers=0", "--set workload.producers=0: workload.producers: must be >= 1, got 0"},
		{"workload.duration=20", `--set workload.duration=20: workload.duration: "20" needs a unit (e.g. 20s, 1m30s)`},
		{"workload.keys={pick: random}", "--set workload.keys={pick: random}: workload.keys.count: required (or write keys: none)"},
		{"workload.keys={count: 4", "--set workload.keys={count: 4: workload.keys: invalid value: did not find expected ',' or '}'"},
		{"=5", "--set =5: expected PATH=VALUE, e.g. workload.rate=5000"},
		{"name", "--set name: expected PATH=VALUE, e.g. workload.rate=5000"},
		{"destinations.5.name=x", "--set destinations.5.name=x: destinations[5]: index out of range (the list has 1 items; 1 appends)"},
		{"destinations.x=1", `--set destinations.x=1: destinations: is a list: "x" must be an index`},
		{"name.x=1", `--set name.x=1: name: is "min", not a mapping or a list`},
		{"workload..rate=1", "--set workload..rate=1: workload: empty field name in the path"},
		{"driver.name=kafka", `--set driver.name=kafka: driver.name: unknown driver "kafka" (allowed: bare, kitchen, memory, null)`},
		{"driver.options.inject.drop=-1", "--set driver.options.inject.drop=-1: driver.options.inject.drop: must be >= 0, got -1"},
		{"driver.options.inject.dorp=1", "--set driver.options.inject.dorp=1: driver.options.inject.dorp: unknown field (allowed: seed, from, to, drop, duplicate, redeliver, reorder, corrupt, early, reorder_distance)"},
		{"expect.p99=1", "--set expect.p99=1: expect.p99: unknown metric (allowed: " + strings.Join(MetricNames(), ", ") + ")"},
		{"expect.lost=< x", `--set expect.lost=< x: expect.lost: expected a number or "<op> number" with op one of < <= == != >= >, got "< x"`},
		{"workload.destination=nope", `--set workload.destination=nope: workload.destination: unknown destination "nope" (allowed: events)`},
	}
	for _, tt := range tests {
		t.Run(tt.set, func(t *testing.T) {
			_, err := Load("min.yaml", []byte(minimal), testRegistry(), []string{tt.set})
			if err == nil {
				t.Fatal("no error")
			}
			assertLines(t, problems(t, err), []string{tt.want})
		})
	}
}

func TestSetThroughAlias(t *testing.T) {
	src := "name: x\ndriver: {name: memory}\ndestinations: [{name: d}]\nwl: &w {rate: 1, duration: 1s}\nworkload: *w\n"
	_, err := Load("a.yaml", []byte(src), testRegistry(), []string{"workload.rate=2"})
	assertLines(t, problems(t, err), []string{
		"a.yaml:4: wl: unknown field (allowed: name, description, driver, cluster, destinations, workload, faults, nemesis, expect)",
		"--set workload.rate=2: workload: cannot set a field inside an alias (*w)",
	})
}

func TestSetErrorsInOrder(t *testing.T) {
	_, err := Load("min.yaml", []byte(minimal+"  producers: 0\n"), testRegistry(),
		[]string{"workload.window=0", "bad", "workload.mode=x"})
	assertLines(t, problems(t, err), []string{
		"min.yaml:9: workload.producers: must be >= 1, got 0",
		"--set workload.window=0: workload.window: must be >= 1, got 0",
		"--set bad: expected PATH=VALUE, e.g. workload.rate=5000",
		`--set workload.mode=x: workload.mode: unknown value "x" (allowed: sync, async, oneway)`,
	})
}
