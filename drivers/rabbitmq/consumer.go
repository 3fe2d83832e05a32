package rabbitmq

import (
	"context"
	"fmt"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// consumer reads every queue of one destination over its own connection
// and channel, reconnecting after the back-off when they are lost.
type consumer struct {
	d      *Driver
	cfg    drivers.ConsumerConfig
	who    string
	h      drivers.Handler
	queues []string
	stream bool
	link   *link

	hmu      sync.Mutex // held during each Handler call
	stopping bool       // guarded by hmu: no Handler call starts any more
	offsets  []int64    // guarded by hmu: last stream offset delivered per partition, -1 none

	opened    int // channels opened so far (by NewConsumer, then run)
	stop      chan struct{}
	done      chan struct{} // closed when run returns
	closeOnce sync.Once
}

var _ drivers.Consumer = (*consumer)(nil)

// NewConsumer opens a consumer of cfg.Topic's queues on URL cfg.ID mod
// len(urls) (the next ones if it does not answer) and starts delivering to
// h. Group is not used: every consumer
// of a classic or quorum queue competes for its messages, and every stream
// consumer reads the whole stream from Options.Stream.Offset.
func (d *Driver) NewConsumer(ctx context.Context, cfg drivers.ConsumerConfig, h drivers.Handler) (drivers.Consumer, error) {
	n, err := d.partitions(ctx, cfg.Topic)
	if err != nil {
		return nil, fmt.Errorf("rabbitmq: consumer of %s: %w", cfg.Topic, err)
	}
	c := &consumer{d: d, cfg: cfg, who: fmt.Sprintf("consumer %d", cfg.ID), h: h, queues: queueNames(cfg.Topic, n),
		stream: d.opts.QueueType == QueueStream, offsets: make([]int64, n),
		stop: make(chan struct{}), done: make(chan struct{})}
	for i := range c.offsets {
		c.offsets[i] = -1
	}
	c.link = newLink(d, c.who, cfg.ID)
	if err := d.track(c); err != nil {
		return nil, err
	}
	for range d.urls { // each node once, no back-off
		var cs *csession
		if cs, err = c.open(ctx); err == nil {
			go c.run(cs)
			return c, nil
		}
		c.link.healthy()
		if ctx.Err() != nil {
			break
		}
	}
	close(c.done) // no run loop
	c.Close()
	return nil, fmt.Errorf("rabbitmq: consumer of %s: %w", cfg.Topic, err)
}

// csession is one open consuming channel.
type csession struct {
	node       string
	conn       *amqp.Connection
	ch         *amqp.Channel
	deliveries []<-chan amqp.Delivery // by partition
	closes     chan *amqp.Error
	cancels    chan string
}

// open opens a channel, sets the prefetch and consumes every queue.
func (c *consumer) open(ctx context.Context) (*csession, error) {
	conn, node, err := c.link.connection(ctx)
	if err != nil {
		return nil, err
	}
	cs := &csession{node: node, conn: conn}
	err = guard(withTimeout(ctx, c.d.opts.DialTimeout), conn, func() error {
		var err error
		if cs.ch, err = conn.Channel(); err != nil {
			return err
		}
		cs.closes = cs.ch.NotifyClose(make(chan *amqp.Error, 1))
		cs.cancels = cs.ch.NotifyCancel(make(chan string, len(c.queues)))
		if err := cs.ch.Qos(c.d.opts.Prefetch, 0, false); err != nil {
			return err
		}
		for i, q := range c.queues {
			dl, err := cs.ch.Consume(q, "", false, false, false, false, c.consumeArgs(i))
			if err != nil {
				return fmt.Errorf("consuming %s: %w", q, err)
			}
			cs.deliveries = append(cs.deliveries, dl)
		}
		return nil
	})
	if err != nil {
		c.link.drop(conn)
		c.d.events.add(EventChannelLost, node, "%s: opening a consuming channel: %v", c.who, err)
		return nil, err
	}
	if c.opened++; c.opened > 1 {
		c.d.events.add(EventChannelOpened, node, "%s: channel %d", c.who, c.opened)
	}
	return cs, nil
}

// consumeArgs: streams start at the configured offset, or after the last
// offset this consumer delivered.
func (c *consumer) consumeArgs(part int) amqp.Table {
	if !c.stream {
		return nil
	}
	c.hmu.Lock()
	last := c.offsets[part]
	c.hmu.Unlock()
	if last >= 0 {
		return amqp.Table{"x-stream-offset": last + 1}
	}
	return amqp.Table{"x-stream-offset": c.d.opts.Stream.Offset}
}
