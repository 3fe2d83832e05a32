package scenarios

import (
	"fmt"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
)

// base is a valid scenario whose workload mapping is last, so a test can
// append workload fields from line 7 on.
const base = `name: x
driver: {name: memory}
destinations: [{name: d}]
workload:
  rate: 1
  duration: 1s
`

// memOpts is a valid scenario ending in the memory driver's options
// mapping, so a test can append options from line 4 on.
const memOpts = `name: x
destinations: [{name: d}]
workload: {rate: 1, duration: 1s}
driver:
  name: memory
  options:
`

const allowedWorkload = "allowed: destination, producers, consumers, mode, window, kind, rate, message_size, keys, duration, warmup, drain_timeout, drain_quiet, send_timeout, seed, phases"

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		// workload fields
		{"unknown field", base + "  ratee: 5\n", []string{"x.yaml:7: workload.ratee: unknown field (" + allowedWorkload + ")"}},
		{"unknown mode", base + "  mode: asink\n", []string{`x.yaml:7: workload.mode: unknown value "asink" (allowed: sync, async, oneway)`}},
		{"mode mapping", base + "  mode: {a: 1}\n", []string{`x.yaml:7: workload.mode: expected one of sync, async, oneway, got a mapping`}},
		{"producers 0", base + "  producers: 0\n", []string{"x.yaml:7: workload.producers: must be >= 1, got 0"}},
		{"producers too many", base + "  producers: 10001\n", []string{"x.yaml:7: workload.producers: must be <= 10000, got 10001"}},
		{"producers string", base + "  producers: abc\n", []string{`x.yaml:7: workload.producers: expected an integer, got "abc"`}},
		{"producers quoted", base + "  producers: \"5\"\n", []string{`x.yaml:7: workload.producers: expected an integer, got "5" (a string; drop the quotes for a number)`}},
		{"producers float", base + "  producers: 1.5\n", []string{`x.yaml:7: workload.producers: expected an integer, got "1.5"`}},
		{"producers list", base + "  producers: [1]\n", []string{`x.yaml:7: workload.producers: expected an integer, got a list`}},
		{"int overflow", base + "  seed: 9223372036854775808\n", []string{`x.yaml:7: workload.seed: 9223372036854775808 is out of range for int64`}},
		{"consumers negative", base + "  consumers: -1\n", []string{"x.yaml:7: workload.consumers: must be >= 0, got -1"}},
		{"consumers too many", base + "  consumers: 10001\n", []string{"x.yaml:7: workload.consumers: must be <= 10000, got 10001"}},
		{"window 0", base + "  window: 0\n", []string{"x.yaml:7: workload.window: must be >= 1, got 0"}},
		{"window too big", base + "  window: 1000001\n", []string{"x.yaml:7: workload.window: must be <= 1000000, got 1000001"}},
		{"message too small", base + fmt.Sprintf("  message_size: %d\n", drivers.EnvelopeSize-1), []string{fmt.Sprintf(
			"x.yaml:7: workload.message_size: must be >= %d, got %d (bytes; the harness's envelope alone takes %[1]d, the maximum is 64 MiB)",
			drivers.EnvelopeSize, drivers.EnvelopeSize-1)}},
		{"message too big", base + "  message_size: 67108865\n", []string{fmt.Sprintf(
			"x.yaml:7: workload.message_size: must be <= 67108864, got 67108865 (bytes; the harness's envelope alone takes %d, the maximum is 64 MiB)",
			drivers.EnvelopeSize)}},
		{"keys count too big", base + "  keys: {count: 1000001}\n", []string{"x.yaml:7: workload.keys.count: must be <= 1000000, got 1000001"}},
		{"keys count negative", base + "  keys:\n    count: -1\n", []string{"x.yaml:8: workload.keys.count: must be >= 0, got -1"}},
		{"keys count missing", base + "  keys:\n    pick: random\n", []string{"x.yaml:7: workload.keys.count: required (or write keys: none)"}},
		{"keys pick", base + "  keys: {count: 2, pick: any}\n", []string{`x.yaml:7: workload.keys.pick: unknown value "any" (allowed: round-robin, random)`}},
		{"keys unknown field", base + "  keys: {count: 2, size: 3}\n", []string{"x.yaml:7: workload.keys.size: unknown field (allowed: count, pick)"}},
		{"keys scalar", base + "  keys: 5\n", []string{`x.yaml:7: workload.keys: expected "none" or a mapping {count: N, pick: round-robin|random}, got "5"`}},
		{"unknown destination", base + "  destination: e\n", []string{`x.yaml:7: workload.destination: unknown destination "e" (allowed: d)`}},
		{"duration needs unit", base + "  warmup: 20\n", []string{`x.yaml:7: workload.warmup: "20" needs a unit (e.g. 20s, 1m30s)`}},
		{"duration float needs unit", base + "  warmup: 1.5\n", []string{`x.yaml:7: workload.warmup: "1.5" needs a unit (e.g. 20s, 1m30s)`}},
		{"duration invalid", base + "  warmup: soon\n", []string{`x.yaml:7: workload.warmup: invalid duration "soon" (e.g. 20s, 1m30s)`}},
		{"duration negative", base + "  warmup: -1s\n", []string{"x.yaml:7: workload.warmup: must not be negative, got -1s"}},
		{"duration mapping", base + "  warmup: {s: 1}\n", []string{"x.yaml:7: workload.warmup: expected a duration (e.g. 20s, 1m30s), got a mapping"}},
		{"duration over 24h", base + "  warmup: 25h\n", []string{"x.yaml:7: workload.warmup: must be at most 24h, got 25h0m0s"}},
		{"drain quiet > timeout", base + "  drain_quiet: 20s\n", []string{"x.yaml:7: workload.drain_quiet: must be <= drain_timeout (10s), got 20s"}},
		{"send timeout 0", base + "  send_timeout: 0s\n", []string{"x.yaml:7: workload.send_timeout: must be > 0, got 0s"}},
		{"workload not a mapping", "name: x\ndriver: {name: memory}\ndestinations: [{name: d}]\nworkload: [1]\n", []string{
			"x.yaml:4: workload: expected a mapping, got a list",
			"x.yaml:4: workload.rate: required",
			"x.yaml:4: workload.duration: required",
		}},
		// rate and duration
		{"rate string", rateDoc("abc"), []string{`x.yaml:5: workload.rate: expected a number (messages per second) or "max", got "abc"`}},
		{"rate zero", rateDoc("0"), []string{`x.yaml:5: workload.rate: must be > 0 (or "max"), got 0`}},
		{"rate negative", rateDoc("-5"), []string{`x.yaml:5: workload.rate: must be > 0 (or "max"), got -5`}},
		{"rate nan", rateDoc(".nan"), []string{`x.yaml:5: workload.rate: must be > 0 (or "max"), got NaN`}},
		{"rate too high", rateDoc("1e9"), []string{"x.yaml:5: workload.rate: must be <= 100000000 messages per second, got 1e+09"}},
		{"rate list", rateDoc("[1]"), []string{`x.yaml:5: workload.rate: expected a number (messages per second) or "max", got a list`}},
		{"duration zero", "name: x\ndriver: {name: memory}\ndestinations: [{name: d}]\nworkload:\n  rate: 1\n  duration: 0s\n",
			[]string{"x.yaml:6: workload.duration: must be > 0, got 0s"}},
		{"duration bare", "name: x\ndriver: {name: memory}\ndestinations: [{name: d}]\nworkload:\n  rate: 1\n  duration: 20\n",
			[]string{`x.yaml:6: workload.duration: "20" needs a unit (e.g. 20s, 1m30s)`}},
		// required fields: at the line of the parent mapping
		{"missing rate", "name: x\ndriver: {name: memory}\ndestinations: [{name: d}]\nworkload:\n  duration: 1s\n",
			[]string{"x.yaml:4: workload.rate: required"}},
		{"missing workload", "# comment\nname: x\ndriver: {name: memory}\ndestinations: [{name: d}]\n", []string{
			"x.yaml:2: workload.rate: required",
			"x.yaml:2: workload.duration: required",
		}},
		{"missing name", "# comment\n\ndriver: {name: memory}\ndestinations: [{name: d}]\nworkload: {rate: 1, duration: 1s}\n",
			[]string{"x.yaml:3: name: required"}},
		{"missing driver name", strings.Replace(base, "{name: memory}", "\n  options: {}", 1),
			[]string{"x.yaml:2: driver.name: required"}},
		{"missing destinations", "name: x\ndriver: {name: memory}\nworkload: {rate: 1, duration: 1s}\n",
			[]string{"x.yaml:1: destinations: at least one destination is required"}},
		{"empty destinations", strings.Replace(base, "[{name: d}]", "[]", 1),
			[]string{"x.yaml:3: destinations: at least one destination is required"}},
		{"destination without name", strings.Replace(base, "[{name: d}]", "\n  - partitions: 2\n  - name: d", 1),
			[]string{"x.yaml:4: destinations[0].name: required"}},
		// name and destinations
		{"bad name", strings.Replace(base, "name: x", "name: Quick Start", 1),
			[]string{`x.yaml:1: name: must match [a-z0-9._-]+, got "Quick Start"`}},
		{"dot name", strings.Replace(base, "name: x", "name: ..", 1), []string{`x.yaml:1: name: must not be ".."`}},
		{"empty name", strings.Replace(base, "name: x", `name: ""`, 1), []string{"x.yaml:1: name: must not be empty"}},
		{"duplicate destination", strings.Replace(base, "[{name: d}]", "\n  - name: d\n  - name: d\n    partitions: 0", 1), []string{
			`x.yaml:5: destinations[1].name: duplicate destination name "d" (also destinations[0])`,
			"x.yaml:6: destinations[1].partitions: must be >= 1, got 0",
		}},
		{"destinations mapping", strings.Replace(base, "[{name: d}]", "{name: d}", 1),
			[]string{"x.yaml:3: destinations: expected a list, got a mapping"}},
		// driver and its options
		{"unknown driver", strings.Replace(base, "name: memory", "name: kafka", 1),
			[]string{`x.yaml:2: driver.name: unknown driver "kafka" (allowed: bare, kitchen, memory, null)`}},
		{"unknown option", memOpts + "    ack_latenci: 1ms\n",
			[]string{"x.yaml:7: driver.options.ack_latenci: unknown field (allowed: ack_latency, ack_jitter, delivery_latency, delay, stalls, inject)"}},
		{"option type", memOpts + "    inject:\n      drop: many\n", []string{`x.yaml:8: driver.options.inject.drop: expected an integer, got "many"`}},
		{"option duration", memOpts + "    ack_latency: 200\n", []string{`x.yaml:7: driver.options.ack_latency: "200" needs a unit (e.g. 20s, 1m30s)`}},
		{"option validate", memOpts + "    inject:\n      seed: 3\n      drop: -1\n",
			[]string{"x.yaml:9: driver.options.inject.drop: must be >= 0, got -1"}},
		{"option validate list item", memOpts + "    stalls:\n      - at: 1s\n",
			[]string{"x.yaml:8: driver.options.stalls[0].for: must be > 0"}},
		{"option validate relation", memOpts + "    ack_jitter: 1ms\n",
			[]string{"x.yaml:7: driver.options.ack_jitter: must be <= ack_latency"}},
		{"options not a mapping", memOpts + "    - 1\n", []string{"x.yaml:7: driver.options: expected a mapping, got a list"}},
		{"null driver with options", strings.Replace(base, "{name: memory}", "{name: \"null\", options: {x: 1}}", 1),
			[]string{"x.yaml:2: driver.options.x: unknown field (no fields are allowed here)"}},
		{"bare driver with options", strings.Replace(base, "{name: memory}", "{name: bare, options: {x: 1}}", 1),
			[]string{`x.yaml:2: driver.options: driver "bare" takes no options`}},
		{"kitchen options", kitchenDoc(
			"count: 3000000000", "unsigned: -1", "mode: fast", "level: medium", "enabled: yes",
			"labels: [a]", "ratio: 2", "small: x", "brokers: a"), []string{
			"x.yaml:4: driver.options.count: 3000000000 is out of range for int32",
			"x.yaml:5: driver.options.unsigned: -1 is out of range for uint16",
			`x.yaml:6: driver.options.mode: unknown value "fast" (allowed: sync, async, oneway)`,
			`x.yaml:7: driver.options.level: unknown level "medium" (allowed: low, high)`,
			`x.yaml:8: driver.options.enabled: expected true or false, got "yes"`,
			"x.yaml:9: driver.options.labels: expected a mapping, got a list",
			"x.yaml:10: driver.options.ratio: must be <= 1",
			`x.yaml:11: driver.options.small: expected a number, got "x"`,
			"x.yaml:12: driver.options.brokers: expected a list, got \"a\"",
		}},
		{"kitchen validate nearest parent", kitchenDoc("nested: {items: [{weight: 1}]}"),
			[]string{"x.yaml:4: driver.options.nested.items[0].name: required"}},
		// expectations
		{"unknown metric", base + "expect: {p99: 1}\n",
			[]string{"x.yaml:7: expect.p99: unknown metric (allowed: " + strings.Join(MetricNames(), ", ") + ")"}},
		{"bad threshold", base + "expect:\n  lost: \"< abc\"\n  sent: [1]\n", []string{
			`x.yaml:8: expect.lost: expected a number or "<op> number" with op one of < <= == != >= >, got "< abc"`,
			`x.yaml:9: expect.sent: expected a number or "<op> number" with op one of < <= == != >= >, got a list`,
		}},
		{"infinite threshold", base + "expect: {lost: .inf, sent: \"> -inf\"}\n", []string{
			"x.yaml:7: expect.lost: the threshold must be a finite number, got +Inf",
			"x.yaml:7: expect.sent: the threshold must be a finite number, got -Inf",
		}},
		{"expect list", base + "expect: [lost]\n", []string{"x.yaml:7: expect: expected a mapping, got a list"}},
		// YAML-level problems
		{"duplicate key", "name: x\n" + base, []string{"x.yaml:2: name: duplicate key (first at line 1)"}},
		{"duplicate nested key", base + "  rate: 2\n", []string{"x.yaml:7: workload.rate: duplicate key (first at line 5)"}},
		{"malformed", "name: x\n  bad: [\n", []string{"x.yaml:2: invalid YAML: mapping values are not allowed in this context"}},
		{"tab", "name: x\n\tdriver: y\n", []string{"x.yaml:2: invalid YAML: found a tab character that violates indentation"}},
		{"unterminated", "name: [a\n", []string{"x.yaml:1: invalid YAML: did not find expected ',' or ']'"}},
		{"two documents", "name: x\n---\nname: y\n", []string{"x.yaml:2: only one YAML document is allowed, a second one starts here"}},
		{"root list", "- a\n", []string{"x.yaml:1: the scenario must be a mapping of fields, got a list"}},
		{"root scalar", "\nhello\n", []string{`x.yaml:2: the scenario must be a mapping of fields, got "hello"`}},
		{"empty", "", []string{"x.yaml:1: the scenario is empty"}},
		{"only comments", "# nothing\n", []string{"x.yaml:1: the scenario is empty"}},
		{"null document", "~\n", []string{"x.yaml:1: the scenario is empty"}},
		{"too big", strings.Repeat("#", MaxSize+1), []string{"x.yaml: the scenario is 1048577 bytes, more than the limit of 1 MiB"}},
		{"merge key", base + "<<: {name: y}\n", []string{"x.yaml:7: merge keys (<<) are not supported"}},
		{"custom tag", strings.Replace(base, "name: x", "name: !foo x", 1), []string{"x.yaml:1: name: unsupported YAML tag !foo"}},
		{"unknown alias", base + "description: *nope\n", []string{"x.yaml:7: invalid YAML: unknown anchor 'nope' referenced"}},
		{"key not a name", base + "[a]: 1\n", []string{"x.yaml:7: a key must be a name, got a list"}},
		{"alias bomb", bomb("grid"), []string{
			"x.yaml:1: x: unknown field (allowed: name, description, driver, cluster, destinations, workload, faults, nemesis, expect)",
			"x.yaml:12: driver.options.grid: the scenario is too complex: its aliases expand to more than 100000 values",
		}},
		{"alias bomb in any", bomb("extra"), []string{
			"x.yaml:1: x: unknown field (allowed: name, description, driver, cluster, destinations, workload, faults, nemesis, expect)",
			"x.yaml:5: driver.options.extra: document contains excessive aliasing",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Load("x.yaml", []byte(tt.yaml), testRegistry(), nil)
			if err == nil {
				t.Fatalf("no error; loaded %+v", s)
			}
			if s != nil {
				t.Errorf("got a scenario with the error")
			}
			assertLines(t, problems(t, err), tt.want)
		})
	}
}

// assertLines compares problem lines.
func assertLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// rateDoc is a scenario with the given rate on line 5.
func rateDoc(rate string) string {
	return "name: x\ndriver: {name: memory}\ndestinations: [{name: d}]\nworkload:\n  rate: " + rate + "\n  duration: 1s\n"
}

// kitchenDoc is a kitchen scenario with the options lines from line 4 on.
func kitchenDoc(opts ...string) string {
	return "name: x\ndriver:\n  options:\n    " + strings.Join(opts, "\n    ") +
		"\n  name: kitchen\ndestinations: [{name: d}]\nworkload: {rate: 1, duration: 1s}\n"
}

// bomb is a billion-laughs document aimed at the kitchen option field.
func bomb(field string) string {
	row := func(item string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+",", 1000), ",") + "]"
	}
	return "x:\n" +
		"  - &a " + row("1") + "\n" +
		"  - &b " + row("*a") + "\n" +
		"  - &c " + row("*b") + "\n" +
		"  - &d " + row("*c") + "\n" +
		"name: x\ndestinations: [{name: d}]\nworkload: {rate: 1, duration: 1s}\n" +
		"driver:\n  name: kitchen\n  options:\n    " + field + ": *d\n"
}

func TestLoadAllErrorsAtOnce(t *testing.T) {
	src := `name: Bad Name
driver:
  name: memroy
  options: {whatever: 1}
destinations:
  - name: a
  - name: a
    partitions: 0
workload:
  ratee: 5
  mode: asink
  producers: 0
  duration: 20
  warmup: -1s
  keys: {count: 2, pick: x}
  destination: b
expect:
  lost: "< abc"
  foo: 1
  lost: 2
`
	_, err := Load("x.yaml", []byte(src), testRegistry(), []string{"workload.rate=abc", "workload.window=0", "bogus"})
	assertLines(t, problems(t, err), []string{
		`x.yaml:1: name: must match [a-z0-9._-]+, got "Bad Name"`,
		`x.yaml:3: driver.name: unknown driver "memroy" (allowed: bare, kitchen, memory, null)`,
		`x.yaml:7: destinations[1].name: duplicate destination name "a" (also destinations[0])`,
		`x.yaml:8: destinations[1].partitions: must be >= 1, got 0`,
		"x.yaml:10: workload.ratee: unknown field (" + allowedWorkload + ")",
		`x.yaml:11: workload.mode: unknown value "asink" (allowed: sync, async, oneway)`,
		`x.yaml:12: workload.producers: must be >= 1, got 0`,
		`x.yaml:13: workload.duration: "20" needs a unit (e.g. 20s, 1m30s)`,
		`x.yaml:14: workload.warmup: must not be negative, got -1s`,
		`x.yaml:15: workload.keys.pick: unknown value "x" (allowed: round-robin, random)`,
		`x.yaml:16: workload.destination: unknown destination "b" (allowed: a)`,
		`x.yaml:18: expect.lost: expected a number or "<op> number" with op one of < <= == != >= >, got "< abc"`,
		"x.yaml:19: expect.foo: unknown metric (allowed: " + strings.Join(MetricNames(), ", ") + ")",
		`x.yaml:20: expect.lost: duplicate key (first at line 18)`,
		`--set workload.rate=abc: workload.rate: expected a number (messages per second) or "max", got "abc"`,
		`--set workload.window=0: workload.window: must be >= 1, got 0`,
		`--set bogus: expected PATH=VALUE, e.g. workload.rate=5000`,
	})
}
