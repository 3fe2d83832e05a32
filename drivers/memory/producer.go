package memory

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// producer sends to the broker. The sending methods are used by one
// goroutine at a time (drivers.Producer); routing state (last, rr, rng) is
// only touched by them, never by the pipeline goroutine.
type producer struct {
	d   *Driver
	cfg drivers.ProducerConfig

	last *topic     // cached topic lookup
	rr   uint32     // next partition for unkeyed messages
	rng  *rand.Rand // ack jitter; nil without AckJitter
	// delay is Options.Delay for a delayed producer, 0 for a plain one.
	delay time.Duration

	isClosed atomic.Bool
	mu       sync.Mutex // guards closed and pipe; held while enqueueing
	closed   bool
	pipe     *pipeline // started by the first pipelined SendAsync
}

var _ drivers.Producer = (*producer)(nil)

// jitterStream separates the jitter's random stream from the plan's.
const jitterStream = 0x6262_6a69_7474 // "bbjitt"

func newProducer(d *Driver, cfg drivers.ProducerConfig) *producer {
	p := &producer{d: d, cfg: cfg}
	if cfg.Kind.Normal() == drivers.KindDelayed {
		p.delay = d.opts.Delay
	}
	if d.opts.AckJitter > 0 {
		p.rng = rand.New(rand.NewPCG(uint64(d.opts.Inject.Seed), jitterStream+uint64(cfg.ID)))
	}
	return p
}

// route resolves m's topic and partition: keyed messages by FNV-1a of the
// key modulo the partition count, unkeyed ones round-robin per producer
// starting at partition 0. Errors are definite failures.
func (p *producer) route(m *drivers.Message) (*topic, int32, error) {
	if p.isClosed.Load() || p.d.closed.Load() {
		return nil, 0, drivers.Fail(ErrClosed)
	}
	t := p.last
	if t == nil || t.name != m.Topic {
		var err error
		if t, err = p.d.topic(m.Topic); err != nil {
			return nil, 0, drivers.Fail(err)
		}
		p.last = t
	}
	n := uint32(len(t.parts))
	switch {
	case n == 1:
		return t, 0, nil
	case m.Key != nil:
		return t, int32(fnv1a(m.Key) % n), nil
	}
	part := p.rr % n
	p.rr++
	return t, int32(part), nil
}

// fnv1a is the 32-bit FNV-1a hash.
func fnv1a(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

// ackDelay draws the ack latency of one message.
func (p *producer) ackDelay() time.Duration {
	d := p.d.opts.AckLatency
	if p.rng != nil {
		d += time.Duration(p.rng.Int64N(int64(p.d.opts.AckJitter)))
	}
	return d
}

// accept gives m the next arrival index and stores it with the injection
// planned for that index.
func (p *producer) accept(t *topic, part int32, m *drivers.Message) drivers.Ack {
	idx := p.d.arrivals.Add(1) - 1
	k := p.d.plan.kind(idx)
	if k == KindEarly && p.delay == 0 {
		k = KindNone // only a delayed message can come early
	}
	if k != KindNone {
		p.d.plan.count(k)
	}
	return t.store(part, m, k, p)
}

// Send stores m and returns its ack after the ack latency. During a stall it
// blocks until the stall ends, or returns ctx.Err() (outcome unknown to the
// caller; nothing was stored) if ctx ends first. ctx ending during the ack
// latency returns ctx.Err() too (the message is stored). An unknown topic
// or a closed producer or driver is a drivers.Fail error.
func (p *producer) Send(ctx context.Context, m *drivers.Message) (drivers.Ack, error) {
	t, part, err := p.route(m)
	if err != nil {
		return drivers.NoAck, err
	}
	if !p.d.pipelined {
		return p.accept(t, part, m), nil
	}
	delay := p.ackDelay()
	if err := p.d.waitStall(ctx); err != nil {
		return drivers.NoAck, err
	}
	ack := p.accept(t, part, m)
	if err := p.d.sleepUntil(ctx, p.d.deferStall(p.d.now()+int64(delay))); err != nil {
		return drivers.NoAck, err
	}
	return ack, nil
}

// SendOneway stores m and returns; it blocks during a stall like Send and
// returns ctx.Err() if ctx ends first. No ack latency applies.
func (p *producer) SendOneway(ctx context.Context, m *drivers.Message) error {
	t, part, err := p.route(m)
	if err != nil {
		return err
	}
	if len(p.d.stalls) > 0 {
		if err := p.d.waitStall(ctx); err != nil {
			return err
		}
	}
	p.accept(t, part, m)
	return nil
}

// SendAsync sends m and calls done exactly once, in send order per producer.
//
// Without ack latency, jitter or stalls in the options, m is stored and done
// is called inline, on the caller's goroutine, before SendAsync returns.
// Otherwise m (not its bytes: the harness keeps them until done) is queued
// to the producer's pipeline goroutine, which stores it (waiting out
// stalls), then calls done when its ack is due; SendAsync blocks while
// ProducerConfig.Window (default 1024) messages are queued. done must not
// call SendAsync or Close on the same producer.
func (p *producer) SendAsync(ctx context.Context, m *drivers.Message, done func(drivers.Ack, error)) {
	t, part, err := p.route(m)
	if !p.d.pipelined {
		if err != nil {
			done(drivers.NoAck, err)
			return
		}
		done(p.accept(t, part, m), nil)
		return
	}
	it := asyncItem{ctx: ctx, t: t, part: part, msg: *m, err: err, done: done}
	if err == nil {
		it.delay = p.ackDelay()
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		done(drivers.NoAck, drivers.Fail(ErrClosed))
		return
	}
	if p.pipe == nil {
		p.pipe = startPipeline(p)
	}
	p.pipe.in <- it
	p.mu.Unlock()
}

// Close waits until every SendAsync has had its done called (stalls and ack
// latency included), then appends the reorder-held messages this producer
// sent. Sends after Close fail definitely. Idempotent.
func (p *producer) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	p.isClosed.Store(true)
	pipe := p.pipe
	if pipe != nil {
		close(pipe.in)
	}
	p.mu.Unlock()
	if pipe != nil {
		<-pipe.exited
	}
	for _, t := range p.d.allTopics() {
		t.releaseHeld(func(h *heldMsg) bool { return h.from == p })
	}
	return nil
}
