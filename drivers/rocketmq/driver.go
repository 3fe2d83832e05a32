package rocketmq

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the rocketmq driver ("rocketmq"). Its options are
// *Options.
var Factory = drivers.Factory{
	Name:    "rocketmq",
	Summary: "Apache RocketMQ through rocketmq-client-go v2.1.2: sync, async and oneway sends; ordered, delayed, transactional and batch messages; push consumers with consume retry and DLQ reading",
	Options: func() drivers.Options { return DefaultOptions() },
	Kinds:   kinds,
	Open:    open,
}

// QueueStride separates the partitions of different brokers: a message in
// queue q of the n-th broker name the driver saw (0-based, in order of first
// sight within one driver) is in partition n*QueueStride+q. With one broker
// the partition is the queue id.
const QueueStride = 1000

func open(_ context.Context, opts drivers.Options, env drivers.Env) (drivers.Driver, error) {
	o, ok := opts.(*Options)
	if !ok || o == nil {
		return nil, fmt.Errorf("rocketmq: options of type %T, want *rocketmq.Options", opts)
	}
	return New(o, env)
}

// Driver is an open rocketmq driver.
type Driver struct {
	opts *Options
	ns   []string
	seed int64    // drivers.Env.Seed: picks consume retries (retry.go), decides transaction outcomes (tx.go)
	ctr  counters // see Counters
	tx   txState  // transactional producers' counters and waits

	mu      sync.Mutex
	brokers []string // broker names by ordinal
	closed  bool
}

var (
	_           drivers.Driver = (*Driver)(nil)
	instanceSeq atomic.Int64
	quietOnce   sync.Once
)

// New opens a driver with validated options. It connects nothing: the
// client connects when producers and consumers start.
func New(o *Options, env drivers.Env) (*Driver, error) {
	if errs := o.Validate(); len(errs) > 0 {
		return nil, fmt.Errorf("rocketmq: %w", errors.Join(toErrs(errs)...))
	}
	ns := o.NameServers
	if len(ns) == 0 {
		ns = env.Endpoints
	}
	if len(ns) == 0 {
		return nil, errors.New("rocketmq: no name server: set driver.options.name_servers or start a cluster")
	}
	quietOnce.Do(quietClientLog)
	return &Driver{opts: o, ns: slices.Clone(ns), seed: env.Seed}, nil
}

func toErrs(errs []drivers.OptionError) []error {
	out := make([]error, len(errs))
	for i, e := range errs {
		out[i] = e
	}
	return out
}

// Info describes the cluster; StandIn comes from Options.StandIn.
func (d *Driver) Info() drivers.Info {
	return drivers.Info{Driver: "rocketmq", Broker: "Apache RocketMQ", Nodes: slices.Clone(d.ns), StandIn: d.opts.StandIn}
}

// Setup creates each destination on every broker of Options.BrokerAddrs
// with Partitions queues per broker (at least 1). Without broker addresses
// it does nothing.
func (d *Driver) Setup(ctx context.Context, dests []drivers.Destination) error {
	if len(d.opts.BrokerAddrs) == 0 || len(dests) == 0 {
		return nil
	}
	adm, err := d.admin()
	if err != nil {
		return err
	}
	defer func() { _ = adm.Close() }()
	for _, dest := range dests {
		n := max(dest.Partitions, 1)
		for _, addr := range d.opts.BrokerAddrs {
			err := adm.CreateTopic(ctx, admin.WithTopicCreate(dest.Name), admin.WithBrokerAddrCreate(addr),
				admin.WithReadQueueNums(n), admin.WithWriteQueueNums(n))
			if err != nil {
				return fmt.Errorf("rocketmq: create topic %s on %s: %w", dest.Name, addr, err)
			}
		}
	}
	return nil
}

func (d *Driver) credentials() primitive.Credentials {
	return primitive.Credentials{AccessKey: d.opts.AccessKey, SecretKey: d.opts.SecretKey}
}

// partition maps a broker's queue to the harness partition (see
// QueueStride).
func (d *Driver) partition(mq *primitive.MessageQueue) int32 {
	if mq == nil {
		return -1
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	i := slices.Index(d.brokers, mq.BrokerName)
	if i < 0 {
		i = len(d.brokers)
		d.brokers = append(d.brokers, mq.BrokerName)
	}
	return int32(i*QueueStride + mq.QueueId)
}

// instance returns a client instance name unique in the process, so every
// producer and consumer gets its own client (v2.1.2 shares clients by
// instance name).
func instance(kind string) string {
	return fmt.Sprintf("brokerbench-%s-%d-%d", kind, os.Getpid(), instanceSeq.Add(1))
}

// Close closes the driver. Producers and consumers are closed by the
// caller before. Client v2.1.2 leaves background goroutines running after
// its clients shut down (see the package documentation).
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	return nil
}

// admin opens an admin client on the driver's name servers (with its
// credentials); the caller closes it.
func (d *Driver) admin() (admin.Admin, error) {
	opts := []admin.AdminOption{admin.WithResolver(primitive.NewPassthroughResolver(d.ns))}
	if d.opts.AccessKey != "" {
		opts = append(opts, admin.WithCredentials(d.credentials()))
	}
	adm, err := admin.NewAdmin(opts...)
	if err != nil {
		return nil, fmt.Errorf("rocketmq: admin client: %w", err)
	}
	return adm, nil
}
