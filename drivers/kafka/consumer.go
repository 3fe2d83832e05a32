package kafka

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// commitTimeout bounds one Ack's commit.
const commitTimeout = 10 * time.Second

// fetchErrorBackoff is the pause after a failed fetch (a group error),
// so a broken group does not spin.
const fetchErrorBackoff = 100 * time.Millisecond

// consumer is one member of a consumer group: a kafka-go Reader with a
// GroupID, read by one goroutine that calls the Handler.
type consumer struct {
	gen    generation
	d      *Driver
	cfg    drivers.ConsumerConfig
	group  string
	h      drivers.Handler
	r      *kafka.Reader
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	once   sync.Once
	err    error
}

var _ drivers.Consumer = (*consumer)(nil)

func newConsumer(d *Driver, cfg drivers.ConsumerConfig, h drivers.Handler) *consumer {
	o := d.opts.Consumer
	group := cfg.Group
	if o.Group != "" {
		group = o.Group
	}
	if group == "" {
		group = "brokerbench"
	}
	start := kafka.FirstOffset
	if o.Start == "last" {
		start = kafka.LastOffset
	}
	c := &consumer{d: d, cfg: cfg, group: group, h: h, done: make(chan struct{}), gen: newGeneration()}
	logger := d.events.readerLogger(group, cfg.ID, &c.gen)
	c.r = kafka.NewReader(kafka.ReaderConfig{
		Brokers:           d.brokers,
		GroupID:           group,
		Topic:             cfg.Topic,
		Dialer:            d.newDialer(fmt.Sprintf("brokerbench-consumer-%d", cfg.ID)),
		MinBytes:          o.MinBytes,
		MaxBytes:          o.MaxBytes,
		MaxWait:           o.MaxWait,
		ReadBatchTimeout:  o.MaxWait + 10*time.Second,
		HeartbeatInterval: o.HeartbeatInterval,
		SessionTimeout:    o.SessionTimeout,
		RebalanceTimeout:  o.RebalanceTimeout,
		JoinGroupBackoff:  500 * time.Millisecond,
		CommitInterval:    o.CommitInterval,
		StartOffset:       start,
		ReadBackoffMin:    10 * time.Millisecond,
		ReadBackoffMax:    250 * time.Millisecond,
		ReadLagInterval:   -1,
		Logger:            logger,
		ErrorLogger:       logger,
	})
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

func (c *consumer) event(kind, detail string) {
	c.d.events.add(GroupEvent{Time: time.Now(), Kind: kind, Group: c.group, Consumer: c.cfg.ID, Detail: detail})
}

// joinWait bounds how long NewConsumer waits for the first assignment.
const joinWait = 30 * time.Second

// start starts reading and waits (bounded by ctx and joinWait) until the
// consumer has its first assignment, so that the group has settled
// before the harness starts producing. A consumer still unassigned then
// is returned anyway and keeps trying to join.
func (c *consumer) start(ctx context.Context) {
	c.event(GroupOpened, "")
	go c.run()
	t := time.NewTimer(joinWait)
	defer t.Stop()
	select {
	case <-c.gen.first:
	case <-ctx.Done():
	case <-t.C:
	}
}

// run fetches and hands over messages until Close.
func (c *consumer) run() {
	defer close(c.done)
	for {
		msg, err := c.r.FetchMessage(c.ctx)
		if err != nil {
			if c.ctx.Err() != nil || errors.Is(err, io.EOF) {
				return
			}
			c.event(GroupError, "fetch: "+err.Error())
			select {
			case <-c.ctx.Done():
				return
			case <-time.After(fetchErrorBackoff):
			}
			continue
		}
		c.deliver(msg)
	}
}

func (c *consumer) deliver(msg kafka.Message) {
	d := drivers.Delivery{
		Topic:     msg.Topic,
		Partition: int32(msg.Partition),
		Offset:    msg.Offset,
		Key:       msg.Key,
		Payload:   msg.Value,
	}
	gen := c.gen.current()
	d.Ack = func() error { return c.commit(msg, gen) }
	c.h(&d)
}

// ErrRebalanced is returned (wrapped) by an Ack whose commit cannot be
// trusted because the consumer's group generation ended since the
// delivery was fetched: the group has read its committed offsets again,
// so the message may be delivered again (to this or another member).
var ErrRebalanced = errors.New("consumer group rebalanced since the delivery")

// commit commits msg's offset + 1 for its partition (Kafka commits
// positions: everything before msg in that partition is committed too).
// A delivery of an ended generation (gen < 0, or gen no longer current)
// is not committed: kafka-go would send the commit with the next
// generation, after that generation has read the committed offsets. A
// commit that a new generation took (its assignment came during the
// call) is reported as failed for the same reason.
func (c *consumer) commit(msg kafka.Message, gen int64) error {
	where := fmt.Sprintf("%s/%d@%d", msg.Topic, msg.Partition, msg.Offset)
	if gen < 0 || c.gen.current() != gen {
		return fmt.Errorf("kafka: not committing %s: %w", where, ErrRebalanced)
	}
	ctx, cancel := context.WithTimeout(context.Background(), commitTimeout)
	defer cancel()
	if err := c.r.CommitMessages(ctx, msg); err != nil {
		return fmt.Errorf("kafka: committing %s: %w", where, err)
	}
	// Between generations the old generation's commit loop took the
	// commit before the group was joined again: fine. A new assignment
	// means the commit waited for the new generation's loop.
	if cur := c.gen.current(); cur >= 0 && cur != gen {
		return fmt.Errorf("kafka: committed %s with the next generation: %w", where, ErrRebalanced)
	}
	return nil
}

// Close stops fetching, waits for a running Handler call and leaves the
// group (its partitions move to the other members). It must not be
// called from the Handler. Idempotent.
func (c *consumer) Close() error {
	c.once.Do(func() {
		c.cancel()
		<-c.done
		if err := c.r.Close(); err != nil {
			c.err = fmt.Errorf("kafka: closing consumer %d: %w", c.cfg.ID, err)
		}
		c.event(GroupClosed, "")
		c.d.forget(c)
	})
	return c.err
}

// generation tracks a consumer's group generations from its reader's
// log: how many ended, and whether it is between an end and its next
// assignment. Safe for concurrent use.
type generation struct {
	mu    sync.Mutex
	ends  int64
	state atomic.Int64  // ends, or -1 while between generations
	first chan struct{} // closed at the first assignment
	got   bool
}

func newGeneration() generation { return generation{first: make(chan struct{})} }

// ended notes that a generation ended.
func (g *generation) ended() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.ends++
	g.state.Store(-1)
}

// assigned notes that the next generation's assignment started.
func (g *generation) assigned() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.state.Store(g.ends)
	if !g.got {
		g.got = true
		close(g.first)
	}
}

// current is the generation a delivery fetched now belongs to, or -1
// when the consumer is between generations (the delivery is stale).
func (g *generation) current() int64 { return g.state.Load() }
