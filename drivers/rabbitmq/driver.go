package rabbitmq

import (
	"context"
	"fmt"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// Driver talks to one RabbitMQ cluster. Its methods are safe for
// concurrent use. The caller closes it after the producers and consumers
// it opened (Close also closes any still open).
type Driver struct {
	opts    Options
	urls    []string
	env     drivers.Env
	events  eventLog
	version string
	bg      sync.WaitGroup // background channel and connection closes

	adminMu sync.Mutex // serializes Setup's use of admin
	admin   *link

	mu      sync.Mutex
	topics  map[string]int // partitions per destination
	clients map[interface{ Close() error }]struct{}
	closed  bool
}

var (
	_ drivers.Driver = (*Driver)(nil)
	_ EventLogger    = (*Driver)(nil)
)

// New connects to the cluster (the first URL that answers) and returns the
// driver. opts nil means DefaultOptions; empty opts.URLs means
// env.Endpoints.
func New(ctx context.Context, opts *Options, env drivers.Env) (*Driver, error) {
	if opts == nil {
		opts = DefaultOptions()
	}
	d := &Driver{opts: *opts, env: env, topics: map[string]int{}, clients: map[interface{ Close() error }]struct{}{}}
	d.urls = append([]string(nil), opts.URLs...)
	if len(d.urls) == 0 {
		d.urls = append(d.urls, env.Endpoints...)
	}
	if len(d.urls) == 0 {
		return nil, fmt.Errorf("rabbitmq: no URLs: set driver.options.urls or start a cluster")
	}
	for i, u := range d.urls {
		if err := checkURL(u); err != nil {
			return nil, fmt.Errorf("rabbitmq: url %d: %w", i, err)
		}
	}
	d.admin = newLink(d, "setup", 0)
	var err error
	for range d.urls { // try every node once
		var conn *amqp.Connection
		if conn, _, err = d.admin.connection(ctx); err == nil {
			d.version, _ = conn.Properties["version"].(string)
			return d, nil
		}
		d.admin.healthy() // no back-off between the first tries
	}
	return nil, fmt.Errorf("rabbitmq: no node answered: %w", err)
}

// dial opens a connection to one URL.
func (d *Driver) dial(raw, who string) (*amqp.Connection, error) {
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName("brokerbench " + who)
	return amqp.DialConfig(raw, amqp.Config{
		Heartbeat: d.opts.Heartbeat, Locale: "en_US", Properties: props,
		Dial: amqp.DefaultDial(d.opts.DialTimeout),
	})
}

// Info names the driver and the broker: Version is the server's version
// from the connection handshake, Nodes the URLs' host:port.
func (d *Driver) Info() drivers.Info {
	nodes := make([]string, len(d.urls))
	for i, u := range d.urls {
		nodes[i] = hostOf(u)
	}
	return drivers.Info{Driver: "rabbitmq", Broker: "RabbitMQ", Version: d.version, Nodes: nodes}
}

// Events returns the connection events of all producers, consumers and
// Setup so far, oldest first.
func (d *Driver) Events() []Event { return d.events.list() }

// Setup declares every destination's queues (and the exchange, if any).
// Idempotent; declaring an existing queue with other arguments (another
// queue type, say) fails with the broker's PRECONDITION_FAILED.
func (d *Driver) Setup(ctx context.Context, dests []drivers.Destination) error {
	for _, dest := range dests {
		dest.Partitions = max(dest.Partitions, 1)
		d.mu.Lock()
		n, known := d.topics[dest.Name]
		d.mu.Unlock()
		if known && n != dest.Partitions {
			return fmt.Errorf("rabbitmq: %s already has %d partitions, not %d", dest.Name, n, dest.Partitions)
		}
		if err := d.withAdmin(ctx, func(ch *amqp.Channel) error { return d.declare(ch, dest) }); err != nil {
			return fmt.Errorf("rabbitmq: setup of %s: %w", dest.Name, err)
		}
		d.remember(dest.Name, dest.Partitions)
	}
	return nil
}

// remember records a destination's partition count.
func (d *Driver) remember(dest string, n int) {
	d.mu.Lock()
	d.topics[dest] = n
	d.mu.Unlock()
}

// withAdmin runs f on a fresh channel of the admin connection, bounded by
// ctx (the connection is dropped when ctx ends first).
func (d *Driver) withAdmin(ctx context.Context, f func(ch *amqp.Channel) error) error {
	d.adminMu.Lock()
	defer d.adminMu.Unlock()
	conn, _, err := d.admin.connection(ctx)
	if err != nil {
		return err
	}
	return guard(ctx, conn, func() error {
		ch, err := conn.Channel()
		if err != nil {
			return err
		}
		defer ch.Close()
		return f(ch)
	})
}

// guard runs f (AMQP calls on conn) and waits for it until ctx ends; then
// it closes conn, which makes f return, and returns ctx's error.
func guard(ctx context.Context, conn *amqp.Connection, f func() error) error {
	res := make(chan error, 1)
	go func() { res <- f() }()
	select {
	case err := <-res:
		return err
	case <-ctx.Done():
		_ = conn.CloseDeadline(time.Now())
		<-res
		return ctx.Err()
	}
}

// track registers an open producer or consumer; it fails after Close.
func (d *Driver) track(c interface{ Close() error }) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return ErrClosed
	}
	d.clients[c] = struct{}{}
	return nil
}

// untrack forgets a closed producer or consumer.
func (d *Driver) untrack(c interface{ Close() error }) {
	d.mu.Lock()
	delete(d.clients, c)
	d.mu.Unlock()
}

// Close closes the producers and consumers still open, then the admin
// connection, and waits for background closes. Idempotent.
func (d *Driver) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	var open []interface{ Close() error }
	for c := range d.clients {
		open = append(open, c)
	}
	d.mu.Unlock()
	for _, c := range open {
		_ = c.Close()
	}
	d.admin.close()
	d.bg.Wait()
	return nil
}
