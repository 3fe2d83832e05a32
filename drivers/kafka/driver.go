package kafka

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"

	"github.com/brokerbench/brokerbench/drivers"
)

// KfakeStandIn is the stand-in label of a cluster that identifies itself
// as kfake (cluster id "kfake"); compose/kfake uses the same words.
const KfakeStandIn = "kfake (Kafka-protocol emulator, not Apache Kafka)"

// kfakeClusterID is the cluster id kfake reports unless told otherwise.
const kfakeClusterID = "kfake"

// openTimeout bounds Open's first metadata request.
const openTimeout = 15 * time.Second

// Driver talks to one Kafka (or Kafka-protocol) cluster. Its methods are
// safe for concurrent use; the caller closes it after every producer and
// consumer it opened.
type Driver struct {
	opts    *Options
	env     drivers.Env
	log     *slog.Logger
	brokers []string
	tls     *tls.Config
	sasl    sasl.Mechanism
	admin   *kafka.Client
	adminTr *kafka.Transport
	info    drivers.Info
	events  eventLog

	mu        sync.Mutex
	consumers map[*consumer]struct{}
	closed    bool
}

var (
	_ drivers.Driver      = (*Driver)(nil)
	_ drivers.EventSource = (*Driver)(nil)
	_ drivers.LogDriver   = (*Driver)(nil)
)

// New connects to the cluster named by opts.Brokers (or env.Endpoints)
// and reads its metadata once. opts nil means DefaultOptions.
func New(ctx context.Context, opts *Options, env drivers.Env) (*Driver, error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	if errs := opts.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("kafka: invalid options: %w", errors.Join(optionErrors(errs)...))
	}
	brokers := opts.Brokers
	if len(brokers) == 0 {
		brokers = env.Endpoints
	}
	if len(brokers) == 0 {
		return nil, errors.New("kafka: no brokers: set driver.options.brokers or start a cluster (cluster:)")
	}
	d := &Driver{opts: opts, env: env, log: env.Logger, brokers: slices.Clone(brokers), consumers: map[*consumer]struct{}{}}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if d.tls, err = opts.TLS.tlsConfig(); err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	if d.sasl, err = opts.SASL.mechanism(); err != nil {
		return nil, fmt.Errorf("kafka: %w", err)
	}
	d.adminTr = d.newTransport("brokerbench-admin")
	d.admin = &kafka.Client{Addr: kafka.TCP(d.brokers...), Transport: d.adminTr, Timeout: opts.WriteTimeout}
	if err := d.loadInfo(ctx); err != nil {
		d.adminTr.CloseIdleConnections()
		return nil, err
	}
	return d, nil
}

func optionErrors(oes []drivers.OptionError) []error {
	out := make([]error, len(oes))
	for i, oe := range oes {
		out[i] = oe
	}
	return out
}

// loadInfo reads the cluster's metadata: its brokers and whether it is
// kfake.
func (d *Driver) loadInfo(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	md, err := d.admin.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{}})
	if err != nil {
		return fmt.Errorf("kafka: reading cluster metadata from %v: %w", d.brokers, err)
	}
	d.info = drivers.Info{Driver: "kafka", Broker: "Apache Kafka"}
	if md.ClusterID == kfakeClusterID {
		d.info.Broker, d.info.StandIn = "kfake", KfakeStandIn
	}
	if d.opts.BrokerLabel != "" {
		d.info.Broker = d.opts.BrokerLabel
	}
	for _, b := range md.Brokers {
		d.info.Nodes = append(d.info.Nodes, fmt.Sprintf("%d@%s:%d", b.ID, b.Host, b.Port))
	}
	slices.Sort(d.info.Nodes)
	return nil
}

// Info describes the driver and the cluster as seen at Open.
func (d *Driver) Info() drivers.Info {
	i := d.info
	i.Nodes = slices.Clone(i.Nodes)
	return i
}

// NewProducer opens a producer for cfg.Topic (messages may name others).
func (d *Driver) NewProducer(_ context.Context, cfg drivers.ProducerConfig) (drivers.Producer, error) {
	if err := d.checkOpen(); err != nil {
		return nil, err
	}
	return newProducer(d, cfg), nil
}

// NewConsumer joins cfg.Group (or the consumer.group option) on
// cfg.Topic and calls h for each delivery until the consumer is closed.
// It returns once the consumer got its first assignment (or after 30 s,
// or when ctx ends, still joining).
func (d *Driver) NewConsumer(ctx context.Context, cfg drivers.ConsumerConfig, h drivers.Handler) (drivers.Consumer, error) {
	if err := d.checkOpen(); err != nil {
		return nil, err
	}
	c := newConsumer(d, cfg, h)
	d.mu.Lock()
	d.consumers[c] = struct{}{}
	d.mu.Unlock()
	c.start(ctx)
	return c, nil
}

func (d *Driver) forget(c *consumer) {
	d.mu.Lock()
	delete(d.consumers, c)
	d.mu.Unlock()
}

func (d *Driver) checkOpen() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return errors.New("kafka: driver closed")
	}
	return nil
}

// Events lists the consumer-group events of every consumer so far, in
// time order, as drivers.Events of kind drivers.EventRebalance (see
// GroupEvent.String for the detail).
func (d *Driver) Events() []drivers.Event {
	gs := d.events.list()
	out := make([]drivers.Event, len(gs))
	for i, g := range gs {
		out[i] = g.event()
	}
	return out
}

// GroupEvents lists the same events in their structured form.
func (d *Driver) GroupEvents() []GroupEvent { return d.events.list() }

// LogOffsets reports that topics are partitioned logs with offsets: the
// harness runs the log checks on this driver's deliveries.
func (d *Driver) LogOffsets() bool { return true }

// Close closes consumers still open and the admin connections. Producers
// are the caller's to close first.
func (d *Driver) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	var cs []*consumer
	for c := range d.consumers {
		cs = append(cs, c)
	}
	d.mu.Unlock()
	var errs []error
	for _, c := range cs {
		errs = append(errs, c.Close())
	}
	d.adminTr.CloseIdleConnections()
	return errors.Join(errs...)
}
