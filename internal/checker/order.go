package checker

// Order checking. An order unit is (producer, key id) for keyed messages
// and (producer, partition) otherwise (-1 is a partition value like any
// other). Acked messages enter their unit's FIFO (unit from the send record)
// at their ack; at the first delivery of m2 (unit from the delivery) every
// m1 at the front with m1.Next <= m2.Seq leaves the FIFO, and an m1 not yet
// delivered then is "overtaken" by m2. When an overtaken m1 is first
// delivered strictly after m2, it counts as a reorder. Memory: 8 bytes per
// message acked and not yet delivered (twice that at most, between
// compactions), plus a map entry per overtaken message.

// unitKey names an order unit: k is 1<<32|key for keyed messages and the
// partition as uint32 otherwise.
type unitKey struct {
	producer uint32
	k        uint64
}

func sendUnit(producer uint32, keyed bool, key uint32, partition int32) unitKey {
	if keyed {
		return unitKey{producer, 1<<32 | uint64(key)}
	}
	return unitKey{producer, uint64(uint32(partition))}
}

// pending is an acked message waiting in its unit's FIFO, packed in 8
// bytes: the seq (below maxSeq = 1<<40) in the high 40 bits and Next-Seq in
// the low 24. A larger Next-Seq is marked by an all-ones field and the Next
// is kept in a side map.
type pending uint64

const (
	deltaBits = 24
	deltaEsc  = 1<<deltaBits - 1
)

func (e pending) seq() uint64 { return uint64(e) >> deltaBits }

// unit is the FIFO of one order unit, in ack order (so Next is
// nondecreasing); q[head:] is live.
type unit struct {
	p    *producer
	big  map[msgKey]uint64 // Next of the entries with an escaped delta
	q    []pending
	head int
}

// pack makes the entry of (seq, next), using the side map if needed.
func (u *unit) pack(seq, next uint64) pending {
	d := next - seq
	if d >= deltaEsc { // also Next <= Seq, which the recorder never writes
		u.big[msgKey{u.p.id, seq}] = next
		d = deltaEsc
	}
	return pending(seq<<deltaBits | d)
}

// next returns the Next of e.
func (u *unit) next(e pending) uint64 {
	d := uint64(e) & deltaEsc
	if d == deltaEsc {
		return u.big[msgKey{u.p.id, e.seq()}]
	}
	return e.seq() + d
}

// drop forgets e as it leaves the FIFO.
func (u *unit) drop(e pending) {
	if uint64(e)&deltaEsc == deltaEsc {
		delete(u.big, msgKey{u.p.id, e.seq()})
	}
}

// msgKey names a message.
type msgKey struct {
	producer uint32
	seq      uint64
}

// overtake remembers the first message that overtook an undelivered one.
type overtake struct {
	by uint64 // m2's seq
	at int64  // m2's first delivery time
}

// orderTracker holds the FIFOs of the units with messages in flight and
// the overtaken messages.
type orderTracker struct {
	units     map[unitKey]*unit
	big       map[msgKey]uint64
	sweepAt   int
	lastKey   unitKey
	last      *unit
	overtaken map[msgKey]overtake
}

func newOrderTracker() orderTracker {
	return orderTracker{units: map[unitKey]*unit{}, big: map[msgKey]uint64{},
		sweepAt: 1024, overtaken: map[msgKey]overtake{}}
}

// lookup returns the unit of k, or nil when it holds nothing.
func (t *orderTracker) lookup(k unitKey) *unit {
	if t.last != nil && t.lastKey == k {
		return t.last
	}
	u := t.units[k]
	if u != nil {
		t.lastKey, t.last = k, u
	}
	return u
}

// acked adds an acked message to the FIFO of its unit.
func (t *orderTracker) acked(p *producer, k unitKey, seq, next uint64) {
	u := t.lookup(k)
	if u == nil {
		if len(t.units) >= t.sweepAt {
			t.sweep()
		}
		u = &unit{p: p, big: t.big}
		t.units[k] = u
		t.lastKey, t.last = k, u
	}
	u.dropDelivered()
	u.push(u.pack(seq, next))
}

// firstDelivery processes the first delivery of m2 = (p, seq) at time at,
// in unit k; it returns whether m2 itself was delivered late (a reorder)
// and, if so, the message that overtook it.
func (t *orderTracker) firstDelivery(p *producer, k unitKey, seq uint64, at int64) (bool, uint64) {
	if u := t.lookup(k); u != nil {
		for u.head < len(u.q) && u.next(u.q[u.head]) <= seq {
			m1 := u.q[u.head]
			u.head++
			u.drop(m1)
			if !p.delivered(m1.seq()) {
				t.overtaken[msgKey{p.id, m1.seq()}] = overtake{by: seq, at: at}
			}
		}
		u.dropDelivered()
	}
	if len(t.overtaken) == 0 {
		return false, 0
	}
	m := msgKey{p.id, seq}
	o, ok := t.overtaken[m]
	if !ok {
		return false, 0
	}
	delete(t.overtaken, m)
	return o.at < at, o.by
}

// sweep drops the units whose messages have all been delivered, so that
// the map stays proportional to the units with messages in flight.
func (t *orderTracker) sweep() {
	for k, u := range t.units {
		u.compact()
		if u.head == len(u.q) {
			delete(t.units, k)
		}
	}
	t.last = nil
	t.sweepAt = max(1024, 2*len(t.units))
}

// dropDelivered pops delivered messages at the front.
func (u *unit) dropDelivered() {
	for u.head < len(u.q) && u.p.delivered(u.q[u.head].seq()) {
		u.drop(u.q[u.head])
		u.head++
	}
	if u.head == len(u.q) {
		u.q, u.head = u.q[:0], 0
	}
}

// push appends e. When the buffer is full, delivered messages are dropped
// first; it grows only when that frees less than half of it, so the cost
// is amortised O(1) and the size stays within twice the undelivered ones.
func (u *unit) push(e pending) {
	if len(u.q) == cap(u.q) {
		u.compact()
		if len(u.q) > cap(u.q)/2 {
			q := make([]pending, len(u.q), 2*cap(u.q)+4)
			copy(q, u.q)
			u.q = q
		}
	}
	u.q = append(u.q, e)
}

// compact keeps only the undelivered messages, in order, at the start of
// the buffer, and shrinks a buffer that is mostly empty.
func (u *unit) compact() {
	n := 0
	for _, e := range u.q[u.head:] {
		if u.p.delivered(e.seq()) {
			u.drop(e)
			continue
		}
		u.q[n] = e
		n++
	}
	u.q, u.head = u.q[:n], 0
	if cap(u.q) > 64 && n < cap(u.q)/8 {
		u.q = append(make([]pending, 0, 2*n+4), u.q...)
	}
}
