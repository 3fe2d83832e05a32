package memory

import (
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// topic is one destination: its partitions and the consumer groups reading
// it. One mutex guards all of it (logs, held messages, groups, the waiting
// flags of its consumers).
type topic struct {
	d    *Driver
	name string

	mu      sync.Mutex
	parts   []partition
	groups  map[string]*group
	glist   []*group // groups, in creation order, for notify
	heldSeq uint64   // ids for held messages
	private int      // broadcasting consumers joined so far (names their groups)

	sched      []scheduled // delayed messages, in due order
	schedTimer *time.Timer // runs releaseScheduled; nil until the first
}

func newTopic(d *Driver, name string, partitions int) *topic {
	return &topic{d: d, name: name, parts: make([]partition, partitions), groups: make(map[string]*group)}
}

// store applies injection kind k to m and stores it in partition part. It
// returns the ack the producer reports. m's bytes are copied. from is the
// sending producer (for releasing held messages on its Close). A delayed
// producer's message is scheduled (acked with offset -1) and placed once
// its delay has passed, unless k is KindEarly.
func (t *topic) store(part int32, m *drivers.Message, k Kind, from *producer) drivers.Ack {
	t.mu.Lock()
	defer t.mu.Unlock()
	if k == KindDrop {
		return drivers.Ack{Partition: part, Offset: -1}
	}
	r := t.newRecord(&t.parts[part], m, k == KindRedeliver)
	if k == KindCorrupt && len(r.payload) > 0 {
		r.payload[len(r.payload)/2] ^= 0x40 // our own copy: the sender's bytes are untouched
	}
	r.delay = from.delay
	if from.delay > 0 && k != KindEarly {
		t.schedule(part, r, k, from)
		return drivers.Ack{Partition: part, Offset: -1}
	}
	return t.place(part, r, k, from)
}

// place appends r to part, or holds it back for a reorder injection, or
// appends it twice for a duplicate one. t.mu is held.
func (t *topic) place(part int32, r record, k Kind, from *producer) drivers.Ack {
	if k == KindReorder {
		t.hold(part, r, from)
		return drivers.Ack{Partition: part, Offset: -1}
	}
	off := t.appendRecord(part, r)
	if k == KindDuplicate {
		t.appendRecord(part, r)
	}
	t.appended(part)
	return drivers.Ack{Partition: part, Offset: off}
}

// newRecord copies m into p's arena. Visibility is set when appended.
func (t *topic) newRecord(p *partition, m *drivers.Message, redeliver bool) record {
	return record{key: p.arena.copy(m.Key), payload: p.arena.copy(m.Payload), redeliver: redeliver}
}

// appendRecord appends r to part, stamping its visibility.
func (t *topic) appendRecord(part int32, r record) int64 {
	if dl := t.d.opts.DeliveryLatency; dl > 0 {
		r.visible = t.d.now() + int64(dl)
	}
	return t.parts[part].append(r)
}

// appended runs after records were appended to part: it releases held
// messages that are due and wakes the consumers that own part.
func (t *topic) appended(part int32) {
	if len(t.parts[part].held) > 0 {
		t.releaseDue(part)
	}
	t.notify(part)
}

// notify wakes, in every group, the waiting consumer that owns part.
func (t *topic) notify(part int32) {
	for _, g := range t.glist {
		if c := g.parts[part].owner; c != nil && c.waiting {
			c.waiting = false
			c.wakeup()
		}
	}
}
