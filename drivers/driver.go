// Package drivers defines what brokerbench asks of a message-broker client:
// producers with three send modes, consumers that hand over deliveries, and a
// driver that creates destinations and opens both.
//
// One package per broker lives below this one (memory, null, and later kafka,
// rabbitmq, rocketmq, nats). Driver packages never import faults or reports.
// The harness's own per-message identity travels in the payload (see
// Envelope), so the checkers work the same on every broker.
package drivers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Mode is a producer send mode.
type Mode int

// The send modes. ModeSync waits for the broker's ack, ModeAsync pipelines
// sends and learns each outcome by callback, ModeOneway writes and never
// learns the outcome.
const (
	ModeSync Mode = iota + 1
	ModeAsync
	ModeOneway
)

// ModeNames lists the scenario spelling of every mode, in order.
var ModeNames = []string{"sync", "async", "oneway"}

// String returns the scenario spelling of m ("sync", "async", "oneway").
func (m Mode) String() string {
	if m >= ModeSync && m <= ModeOneway {
		return ModeNames[m-1]
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode parses a scenario spelling of a mode.
func ParseMode(s string) (Mode, error) {
	for i, n := range ModeNames {
		if n == s {
			return Mode(i + 1), nil
		}
	}
	return 0, fmt.Errorf("unknown send mode %q (allowed: sync, async, oneway)", s)
}

// Message is one message handed to a Producer. The harness owns Payload and
// Key and may reuse them once the send has completed (Send or SendOneway
// returned, or SendAsync's done was called); a driver that keeps the bytes
// longer must copy them.
type Message struct {
	// Topic is the destination name (topic, queue or stream).
	Topic string
	// Key is the routing/partitioning key; nil for unkeyed messages.
	Key []byte
	// Payload is the harness envelope followed by padding (see Envelope).
	Payload []byte
}

// Ack is what the broker told about an accepted message.
type Ack struct {
	// Partition the message was written to, or -1 when the broker does not
	// say. A driver must report the same partition here as on the delivery.
	Partition int32
	// Offset within the partition, or -1 when unknown.
	Offset int64
}

// NoAck is an Ack that carries no placement information.
var NoAck = Ack{Partition: -1, Offset: -1}

// Producer sends messages. A Producer is used by one harness goroutine at a
// time for sending; SendAsync's done callbacks may run on any goroutine.
// The caller closes it.
type Producer interface {
	// Send writes m and returns after the broker's ack. The error is a
	// definite failure only when it wraps ErrNotWritten (see Fail);
	// any other error means the outcome is unknown.
	Send(ctx context.Context, m *Message) (Ack, error)
	// SendAsync starts writing m and calls done exactly once with the
	// outcome, possibly before SendAsync returns (inline). It may block
	// while the driver's own pipeline is full. done must not call back
	// into the same producer.
	SendAsync(ctx context.Context, m *Message, done func(Ack, error))
	// SendOneway writes m without waiting for any ack; the outcome is never
	// known. An error means the write could not even be attempted.
	SendOneway(ctx context.Context, m *Message) error
	// Close flushes and releases the producer. Pending async sends get
	// their done callback before Close returns. Calling Close twice is
	// allowed and the second call returns nil.
	Close() error
}

// Delivery is one message handed to a consumer's Handler. Payload and Key
// are valid only during the Handler call.
type Delivery struct {
	Topic     string
	Partition int32 // -1 when the broker has no partitions
	Offset    int64 // -1 when the broker has no offsets
	Key       []byte
	Payload   []byte
	// Redelivered is the broker's own flag: it has delivered this message
	// before (RabbitMQ's redelivered, a retry topic, ...).
	Redelivered bool
	// Delay is the delay the message was sent with (KindDelayed): the
	// broker must not have delivered it before its send time plus Delay.
	// 0 for every other message. The harness measures earliness and
	// lateness against the message's intended send time.
	Delay time.Duration
	// Ack acknowledges the delivery to the broker; nil when the driver acks
	// by itself. It is called at most once, during the Handler call or
	// later from another goroutine; a driver must allow both.
	Ack func() error
}

// Handler receives deliveries. A driver calls one consumer's Handler from
// one goroutine at a time; different consumers may call concurrently.
type Handler func(d *Delivery)

// Consumer is an open subscription; Close stops deliveries and returns once
// no Handler call is running. Calling Close twice is allowed.
type Consumer interface {
	Close() error
}

// Destination is a topic, queue or stream to create before a run.
type Destination struct {
	Name       string
	Partitions int
}

// ProducerConfig configures one producer.
type ProducerConfig struct {
	ID     int    // harness producer id, 0-based
	Topic  string // destination name
	Mode   Mode   // the mode the harness will use
	Window int    // async: max messages in flight (the harness enforces it too)
	// Kind is the message kind the producer sends ("" or KindPlain:
	// ordinary messages). The harness asks only for kinds listed in the
	// driver's Factory.Kinds.
	Kind Kind
}

// ConsumerConfig configures one consumer.
type ConsumerConfig struct {
	ID    int    // harness consumer id, 0-based
	Topic string // destination name
	Group string // consumer group / subscription name
}

// Info describes the broker a driver talks to, for results and reports.
type Info struct {
	Driver  string   `json:"driver"`
	Broker  string   `json:"broker"`
	Version string   `json:"version,omitempty"`
	Nodes   []string `json:"nodes,omitempty"`
	// StandIn is non-empty when the broker is not the real product (an
	// emulator or test double); it is shown wherever numbers are.
	StandIn string `json:"stand_in,omitempty"`
}

// Driver opens producers and consumers against one broker or cluster. Its
// methods may be called from several goroutines. The caller closes it after
// every producer and consumer it opened.
type Driver interface {
	Info() Info
	// Setup creates the destinations (idempotent).
	Setup(ctx context.Context, dests []Destination) error
	NewProducer(ctx context.Context, cfg ProducerConfig) (Producer, error)
	NewConsumer(ctx context.Context, cfg ConsumerConfig, h Handler) (Consumer, error)
	Close() error
}

// Env is what the harness tells a driver when opening it.
type Env struct {
	// Start is the run's time origin; injected faults are timed from it.
	Start  time.Time
	Seed   int64
	Logger *slog.Logger
	// Endpoints are the client addresses of the cluster the harness
	// started for this run (scenario cluster: section), empty when there
	// is none; a driver then uses the addresses in its own options.
	Endpoints []string
}

// Options are a driver's scenario options: a pointer to a struct with yaml
// tags, filled with defaults by Factory.Options and decoded strictly from the
// scenario's driver.options.
type Options interface {
	// Validate checks the decoded options and returns every problem.
	Validate() []OptionError
}

// Redactor is implemented by options that hold credentials: Redacted
// returns a copy with every secret replaced, which is what the harness
// writes into results and reports.
type Redactor interface {
	Redacted() Options
}

// LogDriver is implemented by drivers whose destinations are partitioned
// logs with offsets (Kafka topics, streams): the harness then also runs
// the log checks (one offset with two values, one value at two offsets,
// poll skips, non-monotonic polls). Events of kind EventRebalance mark
// when consumer-group rebalances began, which excuse offsets going back.
type LogDriver interface {
	LogOffsets() bool
}

// Broadcaster is implemented by drivers whose consumers may each receive
// every message (RocketMQ's broadcasting model, fan-out subscriptions)
// instead of sharing the messages as one group. When Broadcasting
// reports true, the harness checks every consumer as a subscriber of its
// own: a message is lost when some consumer never got it, and a duplicate
// when one consumer got it twice, while one copy per consumer is correct.
// The answer must not change while the driver is open.
type Broadcaster interface {
	Broadcasting() bool
}

// EventRebalance is the Event kind of a consumer-group rebalance.
const EventRebalance = "rebalance"

// Event is something a driver saw happen that explains the numbers: a
// reconnect, a consumer-group rebalance, a channel reopened after nacks.
type Event struct {
	Time   time.Time `json:"time"`
	Kind   string    `json:"kind"`
	Node   string    `json:"node,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// EventSource is implemented by drivers that record events; the harness
// reads them at the end of the run.
type EventSource interface {
	Events() []Event
}

// OptionError is a problem with one option; Field is the dotted path below
// driver.options (e.g. "inject.drop").
type OptionError struct {
	Field string
	Msg   string
}

func (e OptionError) Error() string { return e.Field + ": " + e.Msg }

// Factory makes a driver known to the registry.
type Factory struct {
	Name    string
	Summary string
	// Options returns fresh options holding the defaults.
	Options func() Options
	// Kinds lists the message kinds the driver supports besides
	// KindPlain (see Kind); nil means plain messages only.
	Kinds []Kind
	// Open connects (or starts) the broker with decoded, validated options.
	Open func(ctx context.Context, opts Options, env Env) (Driver, error)
}

// ErrNotWritten marks a send that definitely did not write the message.
var ErrNotWritten = errors.New("message not written")

// Fail wraps err as a definite failure: the broker did not take the message.
func Fail(err error) error {
	if err == nil {
		err = ErrNotWritten
	}
	return &failError{err}
}

type failError struct{ err error }

func (e *failError) Error() string        { return e.err.Error() }
func (e *failError) Unwrap() []error      { return []error{e.err, ErrNotWritten} }
func (e *failError) Is(target error) bool { return target == ErrNotWritten }

// IsFail reports whether err says the message was definitely not written.
// Every other non-nil error leaves the outcome unknown.
func IsFail(err error) bool { return errors.Is(err, ErrNotWritten) }
