package drivertest

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/brokerbench/brokerbench/drivers"
)

// msgID is the harness identity of a message.
type msgID struct {
	producer uint32
	seq      uint64
}

// seen is one delivery as the collector recorded it.
type seen struct {
	consumer    int
	partition   int32
	offset      int64
	key         uint32
	redelivered bool
}

// collector records deliveries from any number of consumers. Safe for
// concurrent use.
type collector struct {
	mu     sync.Mutex
	byID   map[msgID][]seen
	order  []msgID // first deliveries, in arrival order
	total  int
	errs   []string
	acked  map[msgID]bool
	ackErr []string
}

func newCollector() *collector {
	return &collector{byID: make(map[msgID][]seen), acked: make(map[msgID]bool)}
}

// handler returns a Handler for consumer id that decodes each delivery,
// records it and acks it when ack(id) says so (nil: always).
func (c *collector) handler(consumer int, ack func(msgID) bool) drivers.Handler {
	return func(d *drivers.Delivery) {
		env, err := drivers.DecodeEnvelope(d.Payload)
		c.mu.Lock()
		defer c.mu.Unlock()
		c.total++
		if err != nil {
			c.errs = append(c.errs, fmt.Sprintf("consumer %d: undecodable delivery at %d/%d: %v", consumer, d.Partition, d.Offset, err))
			return
		}
		id := msgID{env.Producer, env.Seq}
		if c.byID[id] == nil {
			c.order = append(c.order, id)
		}
		c.byID[id] = append(c.byID[id], seen{consumer: consumer, partition: d.Partition,
			offset: d.Offset, key: env.Key, redelivered: d.Redelivered})
		if d.Ack == nil || (ack != nil && !ack(id)) {
			return
		}
		if err := d.Ack(); err != nil {
			c.ackErr = append(c.ackErr, fmt.Sprintf("consumer %d: ack of %v: %v", consumer, id, err))
			return
		}
		c.acked[id] = true
	}
}

// count returns the number of distinct messages delivered among ids.
func (c *collector) countOf(ids []msgID) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, id := range ids {
		if len(c.byID[id]) > 0 {
			n++
		}
	}
	return n
}

// deliveries returns a copy of what was recorded for id.
func (c *collector) deliveries(id msgID) []seen {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]seen(nil), c.byID[id]...)
}

// totals returns the number of deliveries and of distinct messages.
func (c *collector) totals() (deliveries, distinct int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total, len(c.byID)
}

// problems returns decoding and ack errors recorded so far.
func (c *collector) problems() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append(append([]string(nil), c.errs...), c.ackErr...)
}

// missing describes up to 10 of ids never delivered.
func (c *collector) missing(ids []msgID) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var miss []string
	n := 0
	for _, id := range ids {
		if len(c.byID[id]) == 0 {
			if n++; n <= 10 {
				miss = append(miss, fmt.Sprintf("%d/%d", id.producer, id.seq))
			}
		}
	}
	return fmt.Sprintf("%d of %d messages not delivered (first: %s)", n, len(ids), strings.Join(miss, " "))
}

// keyOrderErrors checks that first deliveries of the same producer and key
// in the same partition came in seq order, ignoring redeliveries.
func (c *collector) keyOrderErrors() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	type lane struct {
		producer uint32
		key      uint32
		part     int32
	}
	last := make(map[lane]uint64)
	var errs []string
	for _, id := range c.order {
		s := c.byID[id][0]
		if s.redelivered {
			continue
		}
		l := lane{id.producer, s.key, s.partition}
		if prev, ok := last[l]; ok && prev > id.seq {
			errs = append(errs, fmt.Sprintf("producer %d key %d partition %d: seq %d delivered after %d", id.producer, s.key, s.partition, id.seq, prev))
		}
		last[l] = max(last[l], id.seq)
	}
	sort.Strings(errs)
	return errs
}
