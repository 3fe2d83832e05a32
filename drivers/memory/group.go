package memory

import (
	"fmt"
	"slices"
)

// group is one consumer group on one topic (a group name is scoped to its
// topic). Guarded by the topic's mutex.
type group struct {
	name      string
	private   bool        // a broadcasting consumer's own: dropped when it leaves
	consumers []*consumer // open members, in join order
	parts     []groupPart // one per partition
}

// groupPart is a group's position in one partition. Every delivery is
// tracked until acked, so acks may come in any order and exactly the unacked
// deliveries are redelivered.
type groupPart struct {
	owner       *consumer
	next        int64               // next offset to deliver for the first time
	outstanding map[int64]*consumer // delivered, not yet acked → holder
	retry       []int64             // offsets to deliver again (Redelivered), sorted
	injDone     map[int64]struct{}  // KindRedeliver offsets already re-queued
}

// committed is the lowest offset the group may still need.
func (gp *groupPart) committed() int64 {
	m := gp.next
	if len(gp.retry) > 0 {
		m = min(m, gp.retry[0])
	}
	for off := range gp.outstanding {
		m = min(m, off)
	}
	return m
}

// addRetry queues off for redelivery, keeping retry sorted.
func (gp *groupPart) addRetry(off int64) {
	i, _ := slices.BinarySearch(gp.retry, off)
	gp.retry = slices.Insert(gp.retry, i, off)
}

// join adds c to its group (created on first use, positioned at each
// partition's first retained offset) and rebalances. A broadcasting
// consumer (private) gets a group of its own, named after cfg.Group and
// a per-topic sequence number that no other consumer shares. t.mu is
// held.
func (t *topic) join(c *consumer, private bool) *group {
	name := c.cfg.Group
	if private {
		t.private++
		name = fmt.Sprintf("%s\x00broadcast-%d", name, t.private)
	}
	g := t.groups[name]
	if g == nil {
		g = &group{name: name, private: private, parts: make([]groupPart, len(t.parts))}
		for i := range g.parts {
			g.parts[i].next = t.parts[i].start
		}
		t.groups[g.name] = g
		t.glist = append(t.glist, g)
	}
	g.consumers = append(g.consumers, c)
	t.rebalance(g)
	return g
}

// leave removes c from its group: the deliveries it still holds go back to
// their partitions' retry queues, and its partitions move to the remaining
// members. A broadcasting consumer's own group goes with it, so that it
// no longer keeps the log from being freed. t.mu is held.
func (t *topic) leave(c *consumer) {
	g := c.g
	g.consumers = slices.DeleteFunc(g.consumers, func(o *consumer) bool { return o == c })
	for i := range g.parts {
		gp := &g.parts[i]
		for off, h := range gp.outstanding {
			if h == c {
				delete(gp.outstanding, off)
				gp.addRetry(off)
			}
		}
	}
	if g.private {
		delete(t.groups, g.name)
		t.glist = slices.DeleteFunc(t.glist, func(o *group) bool { return o == g })
		return
	}
	t.rebalance(g)
}

// rebalance assigns partition i to the group's member i mod n (join
// order) and wakes every member. t.mu is held.
func (t *topic) rebalance(g *group) {
	for _, c := range g.consumers {
		c.owned = c.owned[:0]
		c.cursor = 0
	}
	n := len(g.consumers)
	for i := range g.parts {
		var owner *consumer
		if n > 0 {
			owner = g.consumers[i%n]
			owner.owned = append(owner.owned, int32(i))
		}
		g.parts[i].owner = owner
	}
	for _, c := range g.consumers {
		c.waiting = false
		c.wakeup()
	}
}

// ack marks c's delivery of part/off acked. A KindRedeliver record is then
// queued once more for this group. t.mu is held.
func (t *topic) ack(c *consumer, part int32, off int64) error {
	gp := &c.g.parts[part]
	if gp.outstanding[off] != c {
		return ErrAckNotHeld
	}
	delete(gp.outstanding, off)
	if !t.parts[part].at(off).redeliver {
		return nil
	}
	if _, done := gp.injDone[off]; done {
		return nil
	}
	if gp.injDone == nil {
		gp.injDone = make(map[int64]struct{})
	}
	gp.injDone[off] = struct{}{}
	gp.addRetry(off)
	if o := gp.owner; o != nil && o.waiting {
		o.waiting = false
		o.wakeup()
	}
	return nil
}

// trim frees part's chunks that every group has consumed and acked. Without
// groups nothing is freed. t.mu is held.
func (t *topic) trim(part int32) {
	if len(t.glist) == 0 {
		return
	}
	low := t.parts[part].end
	for _, g := range t.glist {
		low = min(low, g.parts[part].committed())
	}
	t.parts[part].trim(low)
}
