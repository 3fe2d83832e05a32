package rabbitmq

import "github.com/brokerbench/brokerbench/drivers"

// Kinds of pending publishes: who learns the outcome.
const (
	waitAsync uint8 = iota // done is called
	waitSync               // the result goes to the producer's sync channel
	waitNone               // nobody (oneway on a confirm channel, or an abandoned Send)
)

// entry is one publish awaiting its confirm.
type entry struct {
	tag  uint64 // delivery tag on its channel
	id   uint64 // producer-wide sequence, to match sync results
	part int32
	kind uint8
	done func(drivers.Ack, error)
}

// ring is a FIFO of entries in delivery-tag order. Not safe for concurrent
// use (the producer's mutex guards it).
type ring struct {
	buf        []entry
	head, size int
}

func (r *ring) len() int { return r.size }

// push appends e, growing the buffer when full.
func (r *ring) push(e entry) {
	if r.size == len(r.buf) {
		nb := make([]entry, max(16, 2*len(r.buf)))
		for i := range r.size {
			nb[i] = r.buf[(r.head+i)%len(r.buf)]
		}
		r.buf, r.head = nb, 0
	}
	r.buf[(r.head+r.size)%len(r.buf)] = e
	r.size++
}

// front returns the oldest entry.
func (r *ring) front() (entry, bool) {
	if r.size == 0 {
		return entry{}, false
	}
	return r.buf[r.head], true
}

// pop removes and returns the oldest entry.
func (r *ring) pop() (entry, bool) {
	e, ok := r.front()
	if ok {
		r.buf[r.head] = entry{}
		r.head = (r.head + 1) % len(r.buf)
		r.size--
	}
	return e, ok
}

// popBack removes the newest entry if its tag is tag.
func (r *ring) popBack(tag uint64) bool {
	if r.size == 0 {
		return false
	}
	i := (r.head + r.size - 1) % len(r.buf)
	if r.buf[i].tag != tag {
		return false
	}
	r.buf[i] = entry{}
	r.size--
	return true
}

// find returns a pointer to the entry with tag, or nil.
func (r *ring) find(tag uint64) *entry {
	first, ok := r.front()
	if !ok || tag < first.tag || tag-first.tag >= uint64(r.size) {
		return nil
	}
	return &r.buf[(r.head+int(tag-first.tag))%len(r.buf)]
}

// drain removes and returns every entry, oldest first.
func (r *ring) drain() []entry {
	out := make([]entry, 0, r.size)
	for {
		e, ok := r.pop()
		if !ok {
			return out
		}
		out = append(out, e)
	}
}
