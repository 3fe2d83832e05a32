package rabbitmq

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// maxKeyHeaders bounds a producer's cache of per-key header tables.
const maxKeyHeaders = 4096

// producer publishes to one destination over its own connection and
// channel (see the package doc for modes and outcomes).
type producer struct {
	d        *Driver
	cfg      drivers.ProducerConfig
	who      string
	queues   []string // routing keys, one per partition
	exchange string
	mode     uint8 // amqp.Persistent or amqp.Transient
	confirm  bool  // the channel is in confirm mode (sync and async producers)
	async    bool  // opened for async: a confirm goroutine per channel calls done
	link     *link

	slots     chan struct{}   // async window: one token per unconfirmed async publish
	syncCh    chan syncResult // results of sync publishes
	timer     *time.Timer     // Send's confirm timeout (sync producers)
	rr        int             // round-robin partition of unkeyed messages
	nextID    uint64          // sequence of sync publishes
	published atomic.Bool     // a publish was written (oneway Close lingers)
	keyHdr    map[string]amqp.Table
	opened    int // channels opened so far (by the sending goroutine)

	mu         sync.Mutex
	sess       *session
	closed     bool
	nacks      int  // consecutive nacks
	needHealth bool // the next ack resets the link's back-off
	wg         sync.WaitGroup
}

// syncResult is the outcome of the sync publish id.
type syncResult struct {
	id  uint64
	ack drivers.Ack
	err error
}

var _ drivers.Producer = (*producer)(nil)

// NewProducer opens a producer for cfg.Topic, which must exist (Setup, or
// queues already on the broker): its connection and channel are opened
// here, on URL cfg.ID mod len(urls) (the next ones if it does not answer).
// A oneway producer's channel is not in confirm mode.
func (d *Driver) NewProducer(ctx context.Context, cfg drivers.ProducerConfig) (drivers.Producer, error) {
	n, err := d.partitions(ctx, cfg.Topic)
	if err != nil {
		return nil, fmt.Errorf("rabbitmq: producer for %s: %w", cfg.Topic, err)
	}
	p := &producer{d: d, cfg: cfg, who: fmt.Sprintf("producer %d", cfg.ID), queues: queueNames(cfg.Topic, n),
		exchange: d.opts.Exchange, mode: amqp.Transient, confirm: cfg.Mode != drivers.ModeOneway, async: cfg.Mode == drivers.ModeAsync,
		slots: make(chan struct{}, max(cfg.Window, 1)), syncCh: make(chan syncResult, 4),
		keyHdr: map[string]amqp.Table{}}
	if d.opts.Persistent {
		p.mode = amqp.Persistent
	}
	p.timer = time.NewTimer(time.Hour)
	p.timer.Stop()
	p.link = newLink(d, p.who, cfg.ID)
	if err := d.track(p); err != nil {
		return nil, err
	}
	for range d.urls { // each node once, no back-off
		if _, err = p.session(ctx); err == nil {
			return p, nil
		}
		p.link.healthy()
	}
	p.Close()
	return nil, fmt.Errorf("rabbitmq: producer for %s: %w", cfg.Topic, err)
}

// Send publishes m and waits for its confirm: ack → nil, nack →
// drivers.Fail(ErrNacked), channel lost or confirm timeout → ErrUnconfirmed
// (unknown), ctx ended while waiting → ctx's error (unknown). A producer
// opened for sync reads its confirms here, on the caller's goroutine (no
// hand-off); one opened for async waits for its confirm goroutine.
func (p *producer) Send(ctx context.Context, m *drivers.Message) (drivers.Ack, error) {
	if !p.confirm {
		return drivers.NoAck, drivers.Fail(ErrNoConfirms)
	}
	p.nextID++
	id := p.nextID
	s, tag, err := p.publish(ctx, m, entry{kind: waitSync, id: id})
	if err != nil {
		return drivers.NoAck, err
	}
	confirms := s.confirms
	if p.async {
		confirms = nil // the confirm goroutine reads them
	} else {
		p.timer.Reset(p.d.opts.ConfirmTimeout)
		defer p.timer.Stop()
	}
	for {
		select {
		case r := <-p.syncCh:
			if r.id == id {
				return r.ack, r.err
			}
		case c, ok := <-confirms:
			if !ok {
				confirms = nil
				p.lost(s)
				continue
			}
			p.confirmed(s, c)
		case <-p.timer.C:
			p.abandon(s, EventConfirmTimeout, fmt.Sprintf("no confirm after %v", p.d.opts.ConfirmTimeout), true)
		case <-ctx.Done():
			p.forget(s, tag)
			return drivers.NoAck, fmt.Errorf("waiting for the confirm: %w", ctx.Err())
		}
	}
}

// SendAsync publishes m and calls done with its confirm's outcome (as Send
// would say it), from the producer's confirm goroutine, or inline when the
// publish fails at once. It blocks while cfg.Window publishes are
// unconfirmed; ctx ending then fails the send (nothing was written). On a
// producer opened for sync it is Send followed by done, inline.
func (p *producer) SendAsync(ctx context.Context, m *drivers.Message, done func(drivers.Ack, error)) {
	if !p.confirm {
		done(drivers.NoAck, drivers.Fail(ErrNoConfirms))
		return
	}
	if !p.async {
		done(p.Send(ctx, m))
		return
	}
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		done(drivers.NoAck, drivers.Fail(fmt.Errorf("waiting for the async window: %w", ctx.Err())))
		return
	}
	if _, _, err := p.publish(ctx, m, entry{kind: waitAsync, done: done}); err != nil {
		<-p.slots
		done(drivers.NoAck, err)
	}
}

// SendOneway publishes m without waiting for anything. An error means the
// message was not written (drivers.Fail) or the write broke midway
// (unknown). On a producer opened for sync, it also handles the confirms
// that have arrived, so they never pile up unread.
func (p *producer) SendOneway(ctx context.Context, m *drivers.Message) error {
	s, _, err := p.publish(ctx, m, entry{kind: waitNone})
	if err == nil && p.confirm && !p.async {
		p.readConfirms(s, nil)
	}
	return err
}

// readConfirms handles the confirms of a sync producer's session (read on
// the caller's goroutine) until none is pending or, with stop nil, none
// has arrived yet; a non-nil stop ends the wait early.
func (p *producer) readConfirms(s *session, stop <-chan time.Time) {
	for p.outstanding(s) > 0 {
		var c amqp.Confirmation
		var ok bool
		if stop == nil {
			select {
			case c, ok = <-s.confirms:
			default:
				return
			}
		} else {
			select {
			case c, ok = <-s.confirms:
			case <-stop:
				return
			}
		}
		if !ok {
			p.lost(s)
			return
		}
		p.confirmed(s, c)
	}
}

// forget makes a sync publish whose caller stopped waiting report nowhere.
func (p *producer) forget(s *session, tag uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !s.dead {
		if e := s.pending.find(tag); e != nil {
			e.kind = waitNone
		}
	}
}

// finish reports an entry's outcome to whoever waits for it.
func (p *producer) finish(e entry, ack drivers.Ack, err error) {
	switch e.kind {
	case waitAsync:
		<-p.slots
		e.done(ack, err)
	case waitSync:
		select {
		case p.syncCh <- syncResult{e.id, ack, err}:
		default: // cannot happen: one sync publish at a time, stale results are skipped
		}
	}
}

// Close waits (up to confirm_timeout) for outstanding confirms, reports
// the rest as unknown (ErrUnconfirmed), closes the channel and connection
// and returns once every callback was called. A oneway producer that
// published first waits oneway_linger. Idempotent.
func (p *producer) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	s := p.sess
	p.mu.Unlock()
	if s != nil && !p.confirm && p.published.Load() {
		time.Sleep(p.d.opts.OnewayLinger) // let the broker take what the channel buffers
	}
	if s != nil {
		t := time.NewTimer(p.d.opts.ConfirmTimeout)
		if p.async { // the confirm goroutine handles them
			for deadline := time.Now().Add(p.d.opts.ConfirmTimeout); p.outstanding(s) > 0 && time.Now().Before(deadline); {
				time.Sleep(time.Millisecond)
			}
		} else {
			p.readConfirms(s, t.C)
		}
		t.Stop()
		p.abandon(s, "", "producer closed before the confirm came", false)
	}
	p.link.close()
	p.wg.Wait()
	p.d.untrack(p)
	return nil
}

// outstanding is the number of unconfirmed publishes of a live session.
func (p *producer) outstanding(s *session) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if s.dead {
		return 0
	}
	return s.pending.len()
}
