package memory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Errors the driver returns. Send errors that mean "not written" are
// wrapped with drivers.Fail; test them with errors.Is.
var (
	// ErrUnknownTopic: a send or consumer named a destination Setup never
	// created.
	ErrUnknownTopic = errors.New("memory: unknown topic")
	// ErrClosed: the driver or the producer is closed.
	ErrClosed = errors.New("memory: closed")
	// ErrAckNotHeld: Delivery.Ack was called for a delivery its consumer no
	// longer holds (already acked, or handed to another consumer after a
	// Close).
	ErrAckNotHeld = errors.New("memory: ack of a delivery this consumer does not hold")
)

// Driver is the in-process broker. All its methods are safe for concurrent
// use. The caller closes it after every producer and consumer it opened.
type Driver struct {
	opts      Options
	log       *slog.Logger
	clock0    time.Time // origin of the driver's monotonic clock (see now)
	stalls    []window
	plan      *plan
	pipelined bool // SendAsync needs the pipeline goroutine
	arrivals  atomic.Int64
	delayed   atomic.Int64 // delayed messages scheduled (all topics)
	closed    atomic.Bool

	mu     sync.RWMutex
	topics map[string]*topic
}

var (
	_ drivers.Driver      = (*Driver)(nil)
	_ drivers.Counters    = (*Driver)(nil)
	_ drivers.Broadcaster = (*Driver)(nil)
)

// Broadcasting reports Options.Broadcast: every consumer gets every
// message (drivers.Broadcaster).
func (d *Driver) Broadcasting() bool { return d.opts.Broadcast }

// New starts a broker with opts (nil means DefaultOptions). Stalls are timed
// from env.Start, or from now when env.Start is zero. It fails when opts do
// not validate.
func New(opts *Options, env drivers.Env) (*Driver, error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	if errs := opts.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("memory options: %w", errors.Join(optionErrors(errs)...))
	}
	d := &Driver{
		opts:   *opts,
		log:    env.Logger,
		clock0: time.Now(),
		plan:   newPlan(opts.Inject),
		topics: make(map[string]*topic),
	}
	d.opts.Stalls = slices.Clone(opts.Stalls)
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	origin := int64(0)
	if !env.Start.IsZero() {
		origin = int64(env.Start.Sub(d.clock0))
	}
	d.stalls = mergeStalls(opts.Stalls, origin)
	d.pipelined = opts.AckLatency > 0 || opts.AckJitter > 0 || len(d.stalls) > 0
	d.log.Debug("memory broker started", "injections", len(d.plan.list), "stalls", len(d.stalls))
	return d, nil
}

func optionErrors(errs []drivers.OptionError) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// now is the driver's clock: monotonic ns since New.
func (d *Driver) now() int64 { return int64(time.Since(d.clock0)) }

// Info describes the broker; it is a test double, and says so.
func (d *Driver) Info() drivers.Info {
	return drivers.Info{
		Driver:  "memory",
		Broker:  "in-memory test broker",
		StandIn: "in-process test double, not a real broker",
	}
}

// Counters reports what the broker did (drivers.Counters): each kind of
// injection that happened ("inject_drop", ..., "inject_early",
// "inject_reorder_short"), in messages, and "delayed_messages", the
// delayed messages it scheduled. Exact once every send has returned.
func (d *Driver) Counters() map[string]int64 {
	c := d.plan.counts()
	return map[string]int64{
		"inject_drop": c.Drop, "inject_duplicate": c.Duplicate, "inject_redeliver": c.Redeliver,
		"inject_reorder": c.Reorder, "inject_corrupt": c.Corrupt, "inject_early": c.Early,
		"inject_reorder_short": c.ReorderShort, "delayed_messages": d.delayed.Load(),
	}
}

// Injected returns how many injections happened so far. Safe to call at any
// time; exact once every send has returned (or had its done called).
func (d *Driver) Injected() InjectCounts { return d.plan.counts() }

// Plan returns the arrival indices chosen for injection, sorted by index.
// The caller owns the slice.
func (d *Driver) Plan() []Planned { return slices.Clone(d.plan.list) }

// Arrivals returns how many sends the broker has accepted (the next arrival
// index).
func (d *Driver) Arrivals() int64 { return d.arrivals.Load() }

// Setup creates the destinations, each a topic with Partitions partitions
// (0 means 1). It is idempotent; a destination that exists with another
// partition count is an error.
func (d *Driver) Setup(ctx context.Context, dests []drivers.Destination) error {
	if d.closed.Load() {
		return ErrClosed
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, dst := range dests {
		if dst.Name == "" || dst.Partitions < 0 {
			return fmt.Errorf("memory: bad destination %q with %d partitions", dst.Name, dst.Partitions)
		}
		n := max(dst.Partitions, 1)
		if t, ok := d.topics[dst.Name]; ok {
			if len(t.parts) != n {
				return fmt.Errorf("memory: topic %q exists with %d partitions, not %d", dst.Name, len(t.parts), n)
			}
			continue
		}
		d.topics[dst.Name] = newTopic(d, dst.Name, n)
	}
	return nil
}

// topic returns the named topic, or an ErrUnknownTopic error.
func (d *Driver) topic(name string) (*topic, error) {
	d.mu.RLock()
	t := d.topics[name]
	d.mu.RUnlock()
	if t == nil {
		return nil, fmt.Errorf("%w %q", ErrUnknownTopic, name)
	}
	return t, nil
}

// allTopics returns a snapshot of the topics.
func (d *Driver) allTopics() []*topic {
	d.mu.RLock()
	defer d.mu.RUnlock()
	ts := make([]*topic, 0, len(d.topics))
	for _, t := range d.topics {
		ts = append(ts, t)
	}
	return ts
}

// NewProducer opens a producer. Its topic need not exist yet: a send to a
// topic that does not exist fails with drivers.Fail(ErrUnknownTopic). The
// caller closes the producer.
func (d *Driver) NewProducer(ctx context.Context, cfg drivers.ProducerConfig) (drivers.Producer, error) {
	if d.closed.Load() {
		return nil, ErrClosed
	}
	if err := d.checkKind(cfg.Kind); err != nil {
		return nil, err
	}
	return newProducer(d, cfg), nil
}

// NewConsumer joins group cfg.Group on topic cfg.Topic and starts calling h
// from the consumer's own goroutine. The topic must exist. The caller closes
// the consumer.
func (d *Driver) NewConsumer(ctx context.Context, cfg drivers.ConsumerConfig, h drivers.Handler) (drivers.Consumer, error) {
	if d.closed.Load() {
		return nil, ErrClosed
	}
	if h == nil {
		return nil, errors.New("memory: nil handler")
	}
	t, err := d.topic(cfg.Topic)
	if err != nil {
		return nil, err
	}
	return newConsumer(t, cfg, h), nil
}

// Close appends every held (reorder) message, so nothing acked is lost, and
// refuses further sends. Producers and consumers should be closed first;
// open consumers keep delivering what is stored. Idempotent.
func (d *Driver) Close() error {
	if d.closed.Swap(true) {
		return nil
	}
	for _, t := range d.allTopics() {
		t.releaseHeld(func(*heldMsg) bool { return true })
	}
	return nil
}
