package scenarios

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// fakeRegistry is a Registry over a fixed set of test factories.
type fakeRegistry map[string]drivers.Factory

func (r fakeRegistry) Driver(name string) (drivers.Factory, bool) {
	f, ok := r[name]
	return f, ok
}

func (r fakeRegistry) DriverNames() []string {
	names := make([]string, 0, len(r))
	for n := range r {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// memoryOptions mirrors the memory driver's options.
type memoryOptions struct {
	AckLatency      time.Duration `yaml:"ack_latency"`
	AckJitter       time.Duration `yaml:"ack_jitter"`
	DeliveryLatency time.Duration `yaml:"delivery_latency"`
	Delay           time.Duration `yaml:"delay"`
	Stalls          []stall       `yaml:"stalls"`
	Inject          inject        `yaml:"inject"`
}

type stall struct {
	At  time.Duration `yaml:"at"`
	For time.Duration `yaml:"for"`
}

type inject struct {
	Seed            int `yaml:"seed"`
	From            int `yaml:"from"`
	To              int `yaml:"to"`
	Drop            int `yaml:"drop"`
	Duplicate       int `yaml:"duplicate"`
	Redeliver       int `yaml:"redeliver"`
	Reorder         int `yaml:"reorder"`
	Corrupt         int `yaml:"corrupt"`
	Early           int `yaml:"early"`
	ReorderDistance int `yaml:"reorder_distance"`
}

func (o *memoryOptions) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	for i, s := range o.Stalls {
		if s.For <= 0 {
			errs = append(errs, drivers.OptionError{Field: fmt.Sprintf("stalls.%d.for", i), Msg: "must be > 0"})
		}
	}
	for name, v := range map[string]int{"drop": o.Inject.Drop, "duplicate": o.Inject.Duplicate} {
		if v < 0 {
			errs = append(errs, drivers.OptionError{Field: "inject." + name, Msg: fmt.Sprintf("must be >= 0, got %d", v)})
		}
	}
	if o.AckJitter > o.AckLatency {
		errs = append(errs, drivers.OptionError{Field: "ack_jitter", Msg: "must be <= ack_latency"})
	}
	return errs
}

// nullOptions is an options struct without fields.
type nullOptions struct{}

func (*nullOptions) Validate() []drivers.OptionError { return nil }

// kitchenOptions exercises every kind the decoder supports.
type kitchenOptions struct {
	Embedded  `yaml:",inline"`
	Brokers   []string          `yaml:"brokers"`
	Ratio     float64           `yaml:"ratio"`
	Small     float32           `yaml:"small"`
	Enabled   bool              `yaml:"enabled"`
	Count     int32             `yaml:"count"`
	Unsigned  uint16            `yaml:"unsigned"`
	Timeout   time.Duration     `yaml:"timeout"`
	Mode      drivers.Mode      `yaml:"mode"`
	Nested    nested            `yaml:"nested"`
	Optional  *int              `yaml:"optional"`
	Labels    map[string]string `yaml:"labels"`
	Extra     any               `yaml:"extra"`
	Level     level             `yaml:"level"`
	Grid      [][][][]int       `yaml:"grid"`
	NoTag     string
	Skipped   string `yaml:"-"`
	unexposed string
}

// Embedded is inlined into kitchenOptions.
type Embedded struct {
	Region string `yaml:"region"`
}

type nested struct {
	Items []item `yaml:"items"`
	Deep  struct {
		Name string `yaml:"name"`
	} `yaml:"deep"`
}

type item struct {
	Name   string        `yaml:"name"`
	Weight float64       `yaml:"weight"`
	After  time.Duration `yaml:"after"`
}

// level implements encoding.TextUnmarshaler and TextMarshaler.
type level int

func (l *level) UnmarshalText(b []byte) error {
	switch string(b) {
	case "low":
		*l = 1
	case "high":
		*l = 2
	default:
		return fmt.Errorf("unknown level %q (allowed: low, high)", b)
	}
	return nil
}

func (l level) MarshalText() ([]byte, error) {
	return []byte(map[level]string{1: "low", 2: "high"}[l]), nil
}

func (o *kitchenOptions) Validate() []drivers.OptionError {
	if o.Ratio > 1 {
		return []drivers.OptionError{{Field: "ratio", Msg: "must be <= 1"}}
	}
	for i, it := range o.Nested.Items {
		if strings.TrimSpace(it.Name) == "" {
			return []drivers.OptionError{{Field: fmt.Sprintf("nested.items[%d].name", i), Msg: "required"}}
		}
	}
	return nil
}

// testRegistry knows memory (kinds plain and delayed), null, kitchen
// (every kind but plain spelled in Factory.Kinds, plus a duplicate) and
// bare (no options at all, plain only).
func testRegistry() fakeRegistry {
	return fakeRegistry{
		"memory": {Name: "memory", Kinds: []drivers.Kind{drivers.KindDelayed}, Options: func() drivers.Options {
			return &memoryOptions{Inject: inject{Seed: 1, ReorderDistance: 3}}
		}},
		"null": {Name: "null", Options: func() drivers.Options { return &nullOptions{} }},
		"kitchen": {Name: "kitchen", Kinds: []drivers.Kind{drivers.KindBatch, drivers.KindOrdered, drivers.KindTransactional, drivers.KindOrdered}, Options: func() drivers.Options {
			return &kitchenOptions{Ratio: 0.5, Level: 1, Brokers: []string{"localhost:9092"}}
		}},
		"bare": {Name: "bare"},
	}
}
