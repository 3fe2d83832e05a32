package rabbitmq

import (
	"context"
	"errors"
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// session is one open channel of a producer. Fields from nextTag on are
// guarded by the producer's mutex.
type session struct {
	conn     *amqp.Connection
	node     string
	ch       *amqp.Channel
	confirms chan amqp.Confirmation // closed by the library when the channel closes
	closes   chan *amqp.Error

	nextTag uint64
	pending ring
	dead    bool
}

// session returns the producer's open session, opening a channel (and a
// connection, after the back-off) when there is none.
func (p *producer) session(ctx context.Context) (*session, error) {
	p.mu.Lock()
	s, closed := p.sess, p.closed
	p.mu.Unlock()
	if closed {
		return nil, drivers.Fail(ErrClosed)
	}
	if s != nil {
		return s, nil
	}
	conn, node, err := p.link.connection(ctx)
	if err != nil {
		return nil, drivers.Fail(err)
	}
	s = &session{conn: conn, node: node, nextTag: 1}
	err = guard(withTimeout(ctx, p.d.opts.DialTimeout), conn, func() error {
		var err error
		if s.ch, err = conn.Channel(); err != nil {
			return err
		}
		s.closes = s.ch.NotifyClose(make(chan *amqp.Error, 1))
		s.confirms = s.ch.NotifyPublish(make(chan amqp.Confirmation, max(cap(p.slots), 256)))
		if p.confirm {
			return s.ch.Confirm(false)
		}
		return nil
	})
	if err != nil {
		p.link.drop(conn)
		p.d.events.add(EventChannelLost, node, "%s: opening a channel: %v", p.who, err)
		return nil, drivers.Fail(fmt.Errorf("opening a channel on %s: %w", node, err))
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.d.bg.Go(func() { _ = s.ch.Close() })
		return nil, drivers.Fail(ErrClosed)
	}
	p.sess = s
	p.mu.Unlock()
	if p.opened++; p.opened > 1 {
		p.d.events.add(EventChannelOpened, node, "%s: channel %d", p.who, p.opened)
	}
	if p.async {
		p.wg.Go(func() { p.watch(s) })
	}
	return s, nil
}

// withTimeout is ctx bounded by d more; the cancel runs when ctx ends.
func withTimeout(ctx context.Context, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(ctx, d)
	context.AfterFunc(c, cancel)
	return c
}

// publish writes m on the session's channel and, in confirm mode, queues e
// for its confirm. A non-nil error is the send's outcome, not yet reported
// to anyone; nil means the outcome will reach e's waiter.
func (p *producer) publish(ctx context.Context, m *drivers.Message, e entry) (*session, uint64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, drivers.Fail(err)
	}
	s, err := p.session(ctx)
	if err != nil {
		return nil, 0, err
	}
	part := p.partition(m.Key)
	e.part = int32(part)
	p.mu.Lock()
	if s.dead {
		p.mu.Unlock()
		return nil, 0, drivers.Fail(fmt.Errorf("channel to %s lost before the publish", s.node))
	}
	if p.confirm {
		e.tag = s.nextTag
		s.nextTag++
		s.pending.push(e)
	}
	p.mu.Unlock()
	err = s.ch.Publish(p.exchange, p.queues[part], false, false, amqp.Publishing{
		DeliveryMode: p.mode, Headers: p.headers(m.Key), Body: m.Payload,
	})
	if err == nil {
		if !p.published.Load() {
			p.published.Store(true)
		}
		return s, e.tag, nil
	}
	p.mu.Lock()
	mine := !p.confirm || (!s.dead && s.pending.popBack(e.tag))
	if mine && p.confirm {
		s.nextTag--
	}
	p.mu.Unlock()
	p.abandon(s, EventChannelLost, fmt.Sprintf("publish failed: %v", err), s.conn.IsClosed())
	if !mine {
		return s, e.tag, nil // abandon reported it
	}
	if errors.Is(err, amqp.ErrClosed) {
		return nil, 0, drivers.Fail(fmt.Errorf("publishing: %w", err))
	}
	return nil, 0, fmt.Errorf("publishing: %v: %w", err, ErrUnconfirmed)
}

// partition picks the queue of a message: by key hash, or round-robin.
func (p *producer) partition(key []byte) int {
	n := len(p.queues)
	if n == 1 {
		return 0
	}
	if key != nil {
		return keyPartition(key, n)
	}
	p.rr = (p.rr + 1) % n
	return p.rr
}

// headers returns the (cached, read-only) header table carrying key.
func (p *producer) headers(key []byte) amqp.Table {
	if key == nil {
		return nil
	}
	if h, ok := p.keyHdr[string(key)]; ok {
		return h
	}
	h := amqp.Table{keyHeader: append([]byte(nil), key...)}
	if len(p.keyHdr) < maxKeyHeaders {
		p.keyHdr[string(key)] = h
	}
	return h
}
