package memory

import (
	"sync"

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
}

func newTopic(d *Driver, name string, partitions int) *topic {
	return &topic{d: d, name: name, parts: make([]partition, partitions), groups: make(map[string]*group)}
}

// store applies injection kind k to m and stores it in partition part. It
// returns the ack the producer reports. m's bytes are copied. from is the
// sending producer (for releasing held messages on its Close).
func (t *topic) store(part int32, m *drivers.Message, k Kind, from *producer) drivers.Ack {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := &t.parts[part]
	switch k {
	case KindDrop:
		return drivers.Ack{Partition: part, Offset: -1}
	case KindReorder:
		t.hold(part, t.newRecord(p, m, false), from)
		return drivers.Ack{Partition: part, Offset: -1}
	}
	r := t.newRecord(p, m, k == KindRedeliver)
	if k == KindCorrupt && len(r.payload) > 0 {
		r.payload[len(r.payload)/2] ^= 0x40 // our own copy: the sender's bytes are untouched
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
