package rabbitmq

import (
	"context"
	"sync"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// run serves sessions until Close, reopening (after the back-off, rotating
// through the URLs) whenever the channel or connection is lost.
func (c *consumer) run(cs *csession) {
	defer close(c.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		if !c.serve(cs) {
			return
		}
		for {
			var err error
			if cs, err = c.open(ctx); err == nil {
				break
			}
			if ctx.Err() != nil {
				c.link.close() // a dial that finished after Close began
				return
			}
		}
	}
}

// serve delivers one session's messages until it ends; false means the
// consumer is closing (the connection is closed by then).
func (c *consumer) serve(cs *csession) bool {
	var wg sync.WaitGroup
	for i, dl := range cs.deliveries {
		wg.Go(func() { c.deliver(i, cs, dl) })
	}
	var detail string
	select {
	case <-c.stop:
		c.link.close() // the broker requeues every unacked delivery
		wg.Wait()
		return false
	case e := <-cs.closes:
		detail = "closed"
		if e != nil {
			detail = e.Error()
		}
	case tag := <-cs.cancels:
		detail = "consumer " + tag + " cancelled by the broker"
		c.d.events.add(EventCancelled, cs.node, "%s: %s", c.who, detail)
	}
	if cs.conn.IsClosed() { // the link records the lost connection
		c.link.drop(cs.conn)
	} else {
		c.d.events.add(EventChannelLost, cs.node, "%s: %s", c.who, detail)
		c.link.delay()
		if guard(withTimeout(context.Background(), c.d.opts.DialTimeout), cs.conn, cs.ch.Close) != nil {
			c.link.drop(cs.conn)
		}
	}
	wg.Wait()
	return true
}

// deliver hands one queue's deliveries to the Handler, one call at a time
// across the consumer's queues; after Close began it drops them (the
// broker requeues them when the connection closes).
func (c *consumer) deliver(part int, cs *csession, dl <-chan amqp.Delivery) {
	healthy := false
	for m := range dl {
		d := &drivers.Delivery{Topic: c.cfg.Topic, Partition: int32(part), Offset: -1}
		d.Payload, d.Redelivered = m.Body, m.Redelivered
		d.Key, _ = m.Headers[keyHeader].([]byte)
		ch, tag := cs.ch, m.DeliveryTag
		d.Ack = func() error { return ch.Ack(tag, false) }
		c.hmu.Lock()
		if c.stopping {
			c.hmu.Unlock()
			continue
		}
		if off, ok := m.Headers["x-stream-offset"].(int64); ok && c.stream {
			d.Offset, c.offsets[part] = off, off
		}
		c.h(d)
		c.hmu.Unlock()
		if !healthy {
			healthy = true
			c.link.healthy()
		}
	}
}

// Close stops deliveries: no Handler call starts after Close begins, and
// Close returns once the running one (if any) returned and the connection
// is closed, so the broker has requeued every unacked delivery (classic
// and quorum queues; they are redelivered with Redelivered set). Acks
// after Close fail. Idempotent; must not be called from the Handler.
func (c *consumer) Close() error {
	c.closeOnce.Do(func() {
		c.hmu.Lock()
		c.stopping = true
		c.hmu.Unlock()
		close(c.stop)
		<-c.done // bounded: a reconnect in progress gives up within dial_timeout
		c.link.close()
		c.d.untrack(c)
	})
	return nil
}
