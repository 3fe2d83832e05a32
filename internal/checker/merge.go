package checker

import (
	"fmt"

	"github.com/brokerbench/brokerbench/internal/oplog"
)

// stream is one input of the time-ordered merge: the ack events (OK send
// records) of a producer, or the records of a consumer.
type stream struct {
	t    int64 // time of the current record
	rank int   // tie-break at equal times: ack streams first, then as added
	p    *producer
	ss   SendSource
	s    oplog.Send
	id   uint32 // consumer id
	ds   DeliverySource
	d    oplog.Delivery
}

func (a *stream) before(b *stream) bool {
	return a.t < b.t || a.t == b.t && a.rank < b.rank
}

// advance reads the stream's next event; it reports false at the end.
func (st *stream) advance(r *run) (bool, error) {
	if st.ss != nil {
		for {
			done, trunc, err := readErr(st.ss.Read(&st.s))
			r.truncated = r.truncated || trunc
			if err != nil {
				return false, fmt.Errorf("producer %d: %w", st.p.id, err)
			}
			if done {
				return false, nil
			}
			if st.s.Outcome == oplog.OK {
				st.t = st.s.Done
				return true, nil
			}
		}
	}
	done, trunc, err := readErr(st.ds.Read(&st.d))
	r.truncated = r.truncated || trunc
	if err != nil || done {
		if err != nil {
			err = fmt.Errorf("consumer %d: %w", st.id, err)
		}
		return false, err
	}
	if st.d.Time < st.t {
		return false, fmt.Errorf("consumer %d: time %d after %d: %w", st.id, st.d.Time, st.t, ErrOrder)
	}
	st.t = st.d.Time
	return true, nil
}

// close closes the stream's source.
func (st *stream) close() error {
	if st.ss != nil {
		return closeSource(st.ss)
	}
	return closeSource(st.ds)
}

// mergeHeap is a binary min-heap of streams by (time, rank).
type mergeHeap []*stream

func (h mergeHeap) down(i int) {
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			return
		}
		if c+1 < n && h[c+1].before(h[c]) {
			c++
		}
		if !h[c].before(h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}

// openStreams opens an ack stream per producer and a delivery stream per
// consumer and reads their first events. The caller closes all returned
// streams, also on error.
func (r *run) openStreams(consumers []consumerSpec) ([]*stream, error) {
	var all []*stream
	for _, p := range r.producers {
		src, err := openSends(p)
		if err != nil {
			return all, err
		}
		all = append(all, &stream{rank: p.rank, p: p, ss: src, t: -1 << 63})
	}
	for i, c := range consumers {
		src, err := c.open()
		if err != nil {
			return all, fmt.Errorf("consumer %d: %w", c.id, err)
		}
		all = append(all, &stream{rank: len(r.producers) + i, id: c.id, ds: src, t: -1 << 63})
	}
	return all, nil
}

// merge is the second pass: ack events and delivery records of all logs in
// time order.
func (r *run) merge(consumers []consumerSpec) (err error) {
	all, err := r.openStreams(consumers)
	defer func() {
		for _, st := range all {
			if cerr := st.close(); err == nil && cerr != nil {
				err = cerr
			}
		}
	}()
	if err != nil {
		return err
	}
	h := make(mergeHeap, 0, len(all))
	for _, st := range all {
		ok, err := st.advance(r)
		if err != nil {
			return err
		}
		if ok {
			h = append(h, st)
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
	for len(h) > 0 {
		st := h[0]
		if st.ss != nil {
			r.onAck(st.p, &st.s)
		} else {
			r.onDelivery(&st.d)
		}
		ok, err := st.advance(r)
		if err != nil {
			return err
		}
		if !ok {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		h.down(0)
	}
	return nil
}
