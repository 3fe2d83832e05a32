package memory

import (
	"math"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// consumer is one member of a group. Its goroutine (run) is the only caller
// of its Handler. Fields below cfg are guarded by the topic's mutex.
type consumer struct {
	t   *topic
	cfg drivers.ConsumerConfig
	h   drivers.Handler

	g       *group
	owned   []int32 // partitions assigned to c
	cursor  int     // index into owned to look at first (round-robin)
	waiting bool    // c found nothing and waits for wake
	closed  bool

	wake      chan struct{} // capacity 1; a token means "look again"
	quit      chan struct{} // closed by Close
	exited    chan struct{} // closed when run returns
	closeOnce sync.Once
}

var _ drivers.Consumer = (*consumer)(nil)

func newConsumer(t *topic, cfg drivers.ConsumerConfig, h drivers.Handler) *consumer {
	c := &consumer{t: t, cfg: cfg, h: h,
		wake: make(chan struct{}, 1), quit: make(chan struct{}), exited: make(chan struct{})}
	t.mu.Lock()
	c.g = t.join(c, t.d.opts.Broadcast)
	t.mu.Unlock()
	go c.run()
	return c
}

// wakeup makes c look for deliveries again. Never blocks.
func (c *consumer) wakeup() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// run hands deliveries to the Handler until Close.
func (c *consumer) run() {
	defer close(c.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		d, wait, stop := c.next()
		if stop {
			return
		}
		if d != nil {
			c.h(&d.Delivery)
			continue
		}
		var due <-chan time.Time
		if wait >= 0 {
			timer.Reset(wait)
			due = timer.C
		}
		select {
		case <-c.quit:
			return
		case <-c.wake:
		case <-due:
		}
		timer.Stop()
	}
}

// delivery is a Delivery with what its Ack needs.
type delivery struct {
	drivers.Delivery
	c *consumer
}

// next takes the next delivery from c's partitions: redeliveries first, then
// new records in offset order, partitions in turn. With nothing to deliver it
// marks c waiting and returns how long until a record becomes visible (-1:
// until woken).
func (c *consumer) next() (d *delivery, wait time.Duration, stop bool) {
	t := c.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if c.closed {
		return nil, 0, true
	}
	c.waiting = false
	var now int64
	if t.d.opts.DeliveryLatency > 0 {
		now = t.d.now()
	}
	earliest := int64(math.MaxInt64)
	n := len(c.owned)
	for i := range n {
		part := c.owned[(c.cursor+i)%n]
		gp, p := &c.g.parts[part], &t.parts[part]
		var off int64
		redelivered := false
		switch {
		case len(gp.retry) > 0:
			off, gp.retry, redelivered = gp.retry[0], gp.retry[1:], true
		case gp.next < p.end:
			if v := p.at(gp.next).visible; v > now {
				earliest = min(earliest, v)
				continue
			}
			off = gp.next
			gp.next++
		default:
			continue
		}
		c.cursor = (c.cursor + i + 1) % n
		if gp.outstanding == nil {
			gp.outstanding = make(map[int64]*consumer)
		}
		gp.outstanding[off] = c // before trim: off must stay retained
		if !redelivered && gp.next&(chunkSize-1) == 0 {
			t.trim(part)
		}
		return c.delivery(part, off, redelivered), 0, false
	}
	c.waiting = true
	if earliest == math.MaxInt64 {
		return nil, -1, false
	}
	return nil, time.Duration(earliest - now), false
}

// delivery builds the Delivery of part/off. t.mu is held.
func (c *consumer) delivery(part int32, off int64, redelivered bool) *delivery {
	r := c.t.parts[part].at(off)
	d := &delivery{c: c, Delivery: drivers.Delivery{
		Topic: c.t.name, Partition: part, Offset: off,
		Key: r.key, Payload: r.payload, Redelivered: redelivered, Delay: r.delay,
	}}
	d.Ack = func() error { return d.c.ack(part, off) }
	return d
}

// ack acknowledges one delivery; see topic.ack.
func (c *consumer) ack(part int32, off int64) error {
	c.t.mu.Lock()
	defer c.t.mu.Unlock()
	return c.t.ack(c, part, off)
}

// Close stops deliveries, waits until no Handler call runs, then leaves the
// group: c's partitions move to the other members and the deliveries c has
// not acked are delivered again, flagged Redelivered, to the partitions'
// next owners. It must not be called from c's own Handler. Idempotent.
func (c *consumer) Close() error {
	c.closeOnce.Do(func() {
		c.t.mu.Lock()
		c.closed = true
		c.t.mu.Unlock()
		close(c.quit)
		<-c.exited
		c.t.mu.Lock()
		c.t.leave(c)
		c.t.mu.Unlock()
	})
	return nil
}
