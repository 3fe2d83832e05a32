// Package scenarios loads, validates and bundles brokerbench scenarios.
//
// A scenario is a YAML file naming a driver and its options, the
// destinations, the workload and the expectations that decide a run's exit
// code. Decoding is strict: every unknown field, wrong type or bad value is
// reported with the file, line, dotted field path and the allowed values,
// all at once. The bundled scenarios (*.yaml beside this file) are embedded.
package scenarios

import (
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Scenario is a decoded, validated scenario. Durations are time.Duration,
// rates are messages per second for the whole workload.
type Scenario struct {
	Name        string     `yaml:"name"`
	Description string     `yaml:"description"`
	Driver      DriverSpec `yaml:"driver"`
	// Cluster is the cluster the harness starts for the run; Backend ""
	// means none (the driver connects to addresses in its own options).
	Cluster      ClusterSpec   `yaml:"cluster"`
	Destinations []Destination `yaml:"destinations"`
	Workload     Workload      `yaml:"workload"`
	// Faults is the fault schedule, timed from the start of sending.
	Faults []FaultSpec `yaml:"faults"`
	// Nemesis, when set, draws random faults at load time and appends them
	// to Faults (marked Generated); see NemesisSpec.
	Nemesis *NemesisSpec `yaml:"nemesis"`
	// Expect is every threshold that decides the exit code, in file order.
	// When the file has no expect section the defaults of DefaultExpect
	// apply and are written into the effective scenario.
	Expect []Expectation `yaml:"expect"`
}

// DriverSpec names the driver and holds its decoded options.
type DriverSpec struct {
	Name string `yaml:"name"`
	// Options is the pointer returned by the driver's Factory.Options,
	// filled from driver.options and validated.
	Options drivers.Options `yaml:"options"`
}

// ClusterSpec names a cluster backend (see `brokerbench list`), its node
// count and its options.
type ClusterSpec struct {
	Backend string `yaml:"backend"`
	Nodes   int    `yaml:"nodes"` // >= 1; default 1 when a backend is named
	// Options is the pointer returned by the backend's Factory.Options,
	// filled from cluster.options and validated.
	Options drivers.Options `yaml:"options"`
	// Proxy puts an in-process Toxiproxy in front of every node and hands
	// the driver the proxy addresses, so link faults (latency, bandwidth,
	// timeout, reset-peer, slicer) can act on the client links. Only for
	// backends whose clients use nothing but the cluster's Endpoints.
	Proxy bool `yaml:"proxy"`
}

// Destination is a topic or queue created before the run.
type Destination struct {
	Name       string `yaml:"name"`
	Partitions int    `yaml:"partitions"` // >= 1; default 1
}

// Workload is what producers and consumers do.
type Workload struct {
	// Destination the producers send to and consumers read from; default:
	// the first destination.
	Destination string       `yaml:"destination"`
	Producers   int          `yaml:"producers"` // >= 1; default 1
	Consumers   int          `yaml:"consumers"` // >= 0; default 1; 0 = no delivery checks
	Mode        drivers.Mode `yaml:"mode"`      // sync | async | oneway; default sync
	// Window is the async max in flight per producer; default 64.
	Window int `yaml:"window"`
	// Kind is the message kind the producers send (plain, ordered,
	// delayed, transactional, batch); default plain. Only plain and the
	// kinds in the driver's Factory.Kinds are accepted.
	Kind drivers.Kind `yaml:"kind"`
	// Rate is the target send rate of the whole workload.
	Rate Rate `yaml:"rate"`
	// MessageSize in bytes, >= drivers.EnvelopeSize; default 124.
	MessageSize int  `yaml:"message_size"`
	Keys        Keys `yaml:"keys"`
	// Duration of the measured part, after Warmup; > 0.
	Duration time.Duration `yaml:"duration"`
	// Warmup is sent before Duration; its messages are checked but kept out
	// of the latency and throughput numbers. Default 0.
	Warmup time.Duration `yaml:"warmup"`
	// DrainTimeout bounds the wait for outstanding deliveries after sending
	// stops; default 10s.
	DrainTimeout time.Duration `yaml:"drain_timeout"`
	// DrainQuiet ends the drain early once no delivery came for this long;
	// default 2s. A drain that ends quiet makes undelivered acked messages
	// "lost"; one that times out while deliveries still flow makes them
	// "unseen".
	DrainQuiet time.Duration `yaml:"drain_quiet"`
	// SendTimeout: a send with no outcome after this long is unknown;
	// default 10s.
	SendTimeout time.Duration `yaml:"send_timeout"`
	// Seed for key picking and anything random in the workload; default 1.
	Seed int64 `yaml:"seed"`
	// Phases, when given, run one after the other, each with its own mode,
	// rate, window and duration; Duration is then their sum.
	Phases []Phase `yaml:"phases"`
}

// Rate is a target rate: PerSecond > 0 (open loop, constant rate), or Max
// for closed loop ("max": each producer sends as fast as acks allow).
// In YAML: a number, or the string "max".
type Rate struct {
	PerSecond float64
	Max       bool
}

// Keys says how messages are keyed. Count 0 means unkeyed ("none").
// In YAML: "none", or {count: N, pick: round-robin | random}.
type Keys struct {
	Count int    `yaml:"count"`
	Pick  string `yaml:"pick"` // "round-robin" (default) or "random"
}

// Key pick spellings.
const (
	PickRoundRobin = "round-robin"
	PickRandom     = "random"
)

// Expectation is one threshold: Metric Op Value, e.g. lost == 0 or
// p99_publish_ms < 50. In YAML: `metric: N` (means ==) or
// `metric: "<op> N"` with op one of < <= == != >= >.
type Expectation struct {
	Metric string
	Op     string
	Value  float64
	// Where is "file:line", "--set expect.x=..." or "default", for
	// messages.
	Where string
}
