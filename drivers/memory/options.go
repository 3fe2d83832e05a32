package memory

import (
	"fmt"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Options are the memory driver's scenario options (driver.options). Start
// from DefaultOptions (or Factory.Options): the zero value does not validate
// (its injection window [0, 0) is empty). Durations are time.Duration (YAML
// "10ms", "1.5s").
type Options struct {
	// AckLatency is added before each ack (Send's return, SendAsync's done).
	// Default 0. A non-zero value makes SendAsync call done from the
	// producer's pipeline goroutine.
	AckLatency time.Duration `yaml:"ack_latency"`
	// AckJitter adds a uniform extra delay in [0, AckJitter) to each ack,
	// drawn from a generator seeded by Inject.Seed and the producer id.
	// Default 0.
	AckJitter time.Duration `yaml:"ack_jitter"`
	// DeliveryLatency: a message is not delivered before its append time
	// plus this. Default 0.
	DeliveryLatency time.Duration `yaml:"delivery_latency"`
	// Delay is the delay of delayed messages (producers of kind
	// drivers.KindDelayed): each is acked at once but appended to its
	// partition only Delay after the broker accepted it, and its
	// deliveries carry Delay. Default 0; a delayed producer needs > 0.
	Delay time.Duration `yaml:"delay"`
	// Stalls are windows, timed from drivers.Env.Start, during which the
	// broker accepts no send: sends block (no append, no ack) until the
	// window ends, and an ack that falls due inside a window is held until
	// its end. Deliveries and consumer acks are not affected.
	Stalls []Stall `yaml:"stalls"`
	// Broadcast gives every consumer every message: each consumer reads
	// the topic with its own cursor (a group of its own, see the package
	// doc), like RocketMQ's broadcasting model; the driver then says
	// Broadcasting (drivers.Broadcaster). Default false: the consumers
	// of a group share the partitions.
	Broadcast bool `yaml:"broadcast"`
	// Inject makes the broker misbehave on chosen messages.
	Inject Inject `yaml:"inject"`
}

// Stall is one window [Env.Start+At, Env.Start+At+For) in which the broker
// accepts nothing. Windows may overlap; overlapping or touching windows act
// as one.
type Stall struct {
	At  time.Duration `yaml:"at"`  // start, from Env.Start; >= 0
	For time.Duration `yaml:"for"` // length; > 0
}

// Inject chooses messages to misbehave on. The chosen messages are distinct
// arrival indices (the broker-wide, 0-based count of accepted sends of every
// mode, across all producers and topics) drawn without replacement from
// [From, To) by math/rand/v2 seeded with Seed; each index gets at most one
// injection. A run that sends at least To messages gets exactly the
// configured counts; a shorter run gets only those below its last index
// (see Driver.Injected).
type Inject struct {
	// Seed of the choice; default 1. The same seed and window give the same
	// indices.
	Seed int64 `yaml:"seed"`
	// From is the first arrival index that may be chosen; default 100.
	From int64 `yaml:"from"`
	// To is one past the last arrival index that may be chosen; default 2100.
	To int64 `yaml:"to"`
	// Drop: acked normally but never stored (lost). The ack carries the
	// partition and offset -1.
	Drop int `yaml:"drop"`
	// Duplicate: stored twice in a row (two offsets); the second copy is
	// not flagged Redelivered (a broker-side duplicate). The ack carries
	// the first offset.
	Duplicate int `yaml:"duplicate"`
	// Redeliver: after a consumer of a group acks it, it is delivered to
	// that group once more with Redelivered set (an allowed redelivery).
	Redeliver int `yaml:"redeliver"`
	// Reorder: acked at once (partition, offset -1) but appended to its
	// partition only once ReorderDistance more records were appended there,
	// or after ReorderMaxHold, or when its producer or the driver closes,
	// whichever comes first. Never lost.
	Reorder int `yaml:"reorder"`
	// Corrupt: acked and stored normally, but the stored copy has one
	// payload byte flipped, so consumers get a message that is not a valid
	// harness envelope (counted as unexpected, and the original as lost).
	Corrupt int `yaml:"corrupt"`
	// Early: a delayed message appended at once instead of after Delay,
	// so it is delivered before its delay has passed (still carrying
	// Delay). An index it falls on that is not a delayed message's gets
	// no injection.
	Early int `yaml:"early"`
	// ReorderDistance is how many records a held message waits for; >= 1,
	// default 3.
	ReorderDistance int `yaml:"reorder_distance"`
}

// MaxInjections bounds the sum of the injection counts, which the driver
// keeps in memory as its plan.
const MaxInjections = 1_000_000

// DefaultOptions returns the defaults: no latency, no stalls, injection seed
// 1, window [100, 2100), reorder distance 3, no injection.
func DefaultOptions() *Options {
	return &Options{Inject: Inject{Seed: 1, From: 100, To: 2100, ReorderDistance: 3}}
}

var _ drivers.Options = (*Options)(nil)

// Validate checks the options and returns every problem, with dotted field
// names below driver.options (e.g. "inject.drop", "stalls[1].for").
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"ack_latency", o.AckLatency}, {"ack_jitter", o.AckJitter}, {"delivery_latency", o.DeliveryLatency}, {"delay", o.Delay}} {
		if d.v < 0 {
			bad(d.field, "must be >= 0, got %v", d.v)
		}
	}
	for i, s := range o.Stalls {
		if s.At < 0 {
			bad(fmt.Sprintf("stalls[%d].at", i), "must be >= 0, got %v", s.At)
		}
		if s.For <= 0 {
			bad(fmt.Sprintf("stalls[%d].for", i), "must be > 0, got %v", s.For)
		}
	}
	return append(errs, o.Inject.validate()...)
}

func (in *Inject) validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: "inject." + field, Msg: fmt.Sprintf(format, args...)})
	}
	if in.From < 0 {
		bad("from", "must be >= 0, got %d", in.From)
	}
	if in.To <= in.From {
		bad("to", "must be > inject.from (%d), got %d", in.From, in.To)
	}
	total := 0
	for _, c := range []struct {
		field string
		n     int
	}{{"drop", in.Drop}, {"duplicate", in.Duplicate}, {"redeliver", in.Redeliver}, {"reorder", in.Reorder}, {"corrupt", in.Corrupt}, {"early", in.Early}} {
		if c.n < 0 {
			bad(c.field, "must be >= 0, got %d", c.n)
			continue
		}
		total += c.n
	}
	if in.ReorderDistance < 1 {
		bad("reorder_distance", "must be >= 1, got %d", in.ReorderDistance)
	}
	switch {
	case total > MaxInjections:
		errs = append(errs, drivers.OptionError{Field: "inject",
			Msg: fmt.Sprintf("drop+duplicate+redeliver+reorder+corrupt+early = %d exceeds %d", total, MaxInjections)})
	case in.To > in.From && int64(total) > in.To-in.From:
		errs = append(errs, drivers.OptionError{Field: "inject",
			Msg: fmt.Sprintf("drop+duplicate+redeliver+reorder+corrupt+early = %d exceeds the window to-from = %d", total, in.To-in.From)})
	}
	return errs
}

// total is the number of injections the plan holds.
func (in *Inject) total() int {
	return in.Drop + in.Duplicate + in.Redeliver + in.Reorder + in.Corrupt + in.Early
}
