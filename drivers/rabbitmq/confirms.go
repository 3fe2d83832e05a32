package rabbitmq

import (
	"fmt"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// watch is the confirm goroutine of an async producer's session: it
// matches confirms to publishes until the channel closes, and drops the
// connection when the oldest publish waits longer than confirm_timeout.
// (Sync producers read their confirms in Send.)
func (p *producer) watch(s *session) {
	timeout := p.d.opts.ConfirmTimeout
	tick := time.NewTicker(min(max(timeout/10, 10*time.Millisecond), time.Second))
	defer tick.Stop()
	var front uint64 // oldest unconfirmed tag at the last tick
	var since time.Time
	for {
		select {
		case c, ok := <-s.confirms:
			if !ok {
				p.lost(s)
				return
			}
			p.confirmed(s, c)
		case now := <-tick.C:
			tag, n := p.oldest(s)
			switch {
			case n == 0:
				front = 0
			case tag != front:
				front, since = tag, now
			case now.Sub(since) >= timeout:
				p.abandon(s, EventConfirmTimeout, fmt.Sprintf("%d publishes unconfirmed after %v", n, timeout), true)
			}
		}
	}
}

// oldest returns the oldest unconfirmed tag and the number unconfirmed.
func (p *producer) oldest(s *session) (uint64, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := s.pending.front()
	if !ok || s.dead {
		return 0, 0
	}
	return e.tag, s.pending.len()
}

// lost handles the channel's close: every outstanding publish is unknown.
func (p *producer) lost(s *session) {
	var reason *amqp.Error
	select {
	case reason = <-s.closes:
	default:
	}
	detail := "closed"
	if reason != nil {
		detail = reason.Error()
	}
	if s.conn.IsClosed() { // the link records the lost connection itself
		p.abandon(s, EventUnconfirmed, "connection lost: "+detail, true)
		return
	}
	p.abandon(s, EventChannelLost, detail, false)
}

// confirmed handles one confirm (the library delivers them in tag order).
func (p *producer) confirmed(s *session, c amqp.Confirmation) {
	p.mu.Lock()
	if s.dead {
		p.mu.Unlock()
		return
	}
	e, ok := s.pending.pop()
	if !ok || e.tag != c.DeliveryTag {
		p.mu.Unlock()
		p.abandon(s, EventChannelLost, fmt.Sprintf("confirm for tag %d, expected %d", c.DeliveryTag, e.tag), true)
		return
	}
	reopen, health := false, false
	if c.Ack {
		if p.nacks > 0 {
			p.d.events.add(EventNacksEnded, s.node, "%s: %d nacks in a row, then an ack", p.who, p.nacks)
			p.nacks = 0
		}
		health, p.needHealth = p.needHealth, false
	} else {
		p.nacks++
		if p.nacks == 1 {
			p.d.events.add(EventNacks, s.node, "%s: nack of tag %d", p.who, c.DeliveryTag)
		}
		if n := p.d.opts.NackReopenAfter; n > 0 && p.nacks >= n {
			p.d.events.add(EventNackReopen, s.node, "%s: %d nacks in a row: reopening the channel", p.who, p.nacks)
			p.nacks, reopen = 0, true
		}
	}
	p.mu.Unlock()
	if health {
		p.link.healthy()
	}
	if c.Ack {
		p.finish(e, drivers.Ack{Partition: e.part, Offset: -1}, nil)
	} else {
		p.finish(e, drivers.NoAck, drivers.Fail(ErrNacked))
	}
	if reopen {
		p.abandon(s, "", "channel reopened after nacks", false)
	}
}

// abandon ends a session: outstanding publishes are reported unknown
// (ErrUnconfirmed with detail), the channel (or, with dropConn, the whole
// connection) is closed in the background, and the next publish opens a
// new one after the back-off. kind "" records no event. Idempotent.
func (p *producer) abandon(s *session, kind, detail string, dropConn bool) {
	p.mu.Lock()
	if s.dead {
		p.mu.Unlock()
		return
	}
	s.dead = true
	if p.sess == s {
		p.sess = nil
	}
	left := s.pending.drain()
	p.needHealth = true
	p.mu.Unlock()
	if kind != "" && (kind != EventUnconfirmed || len(left) > 0) {
		p.d.events.add(kind, s.node, "%s: %s (%d publishes unconfirmed)", p.who, detail, len(left))
	}
	if dropConn {
		p.link.drop(s.conn)
	} else {
		p.link.delay()
		p.d.bg.Go(func() { _ = s.ch.Close() })
	}
	err := fmt.Errorf("%s: %w", detail, ErrUnconfirmed)
	for _, e := range left {
		p.finish(e, drivers.NoAck, err)
	}
}
