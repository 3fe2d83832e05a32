package runner

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/internal/oplog"
	"github.com/brokerbench/brokerbench/internal/pacer"
	"github.com/brokerbench/brokerbench/internal/recorder"
)

// producerLoop drives one producer: it asks the pacer when each message is
// due, builds the envelope, sends in the scenario's mode and records the
// outcome. One goroutine runs it; async callbacks come from the driver.
type producerLoop struct {
	id      int
	rec     *recorder.Producer
	prod    drivers.Producer
	pacer   *pacer.Pacer
	keys    *keyPicker
	mode    drivers.Mode
	topic   string
	size    int
	sendEnd int64         // ns: no message is due at or after this
	limit   uint64        // stop after this many messages; 0: no limit
	now     func() int64  // ns since the run origin
	stop    chan struct{} // closed: stop sending (interrupt)
	ctx     context.Context
	errs    *errorTally
	nonce   uint32 // run nonce stamped into every envelope

	buf   []byte          // sync and oneway payload buffer
	msg   drivers.Message // sync and oneway message (reused: no allocation)
	slots []*slot         // async
	free  chan *slot
}

// slot holds one in-flight async message; window slots are made once and
// reused, so an async send allocates nothing.
type slot struct {
	l     *producerLoop
	s     oplog.Send
	msg   drivers.Message
	state atomic.Int32
	done  func(drivers.Ack, error)
}

const (
	slotFree int32 = iota
	slotPending
	slotAbandoned
)

func (l *producerLoop) init(window int) {
	l.buf = make([]byte, l.size)
	if l.mode != drivers.ModeAsync {
		return
	}
	l.free = make(chan *slot, window)
	for i := 0; i < window; i++ {
		sl := &slot{l: l, msg: drivers.Message{Topic: l.topic, Payload: make([]byte, l.size)}}
		sl.done = sl.complete
		l.slots = append(l.slots, sl)
		l.free <- sl
	}
}

// run sends until the schedule ends, the limit is reached or stop is
// closed. Each message costs two clock reads: one here (the due check,
// which also stamps the send) and one when the outcome is recorded.
func (l *producerLoop) run() {
	for n := uint64(0); l.limit == 0 || n < l.limit; n++ {
		var due, at int64
		if l.pacer.Closed() {
			select {
			case <-l.stop:
				return
			default:
			}
			due = l.now()
			at = due
		} else {
			due = l.pacer.Due(n)
			var ok bool
			if at, ok = l.pacer.Wait(due, l.now, l.stop); !ok {
				return
			}
		}
		if due >= l.sendEnd {
			return
		}
		if !l.sendOne(due, at) {
			return
		}
	}
}

// prepare assigns the sequence number and writes the envelope into buf.
func (l *producerLoop) prepare(s *oplog.Send, msg *drivers.Message, buf []byte, due int64) {
	kid, key, keyed := l.keys.next()
	*s = oplog.Send{Seq: l.rec.NextSeq(due), Intended: due, Partition: -1, Offset: -1}
	env := drivers.Envelope{Run: l.nonce, Producer: uint32(l.id), Seq: s.Seq, Intended: due}
	if keyed {
		s.Key, s.Flags = kid, oplog.FlagKeyed
		env.Key, env.Keyed = kid, true
	}
	env.Encode(buf)
	msg.Topic, msg.Key, msg.Payload = l.topic, key, buf
}

// sendOne sends the message due at due; at is the clock reading taken
// just before (the send time, unless the async window makes it wait).
func (l *producerLoop) sendOne(due, at int64) bool {
	switch l.mode {
	case drivers.ModeAsync:
		return l.sendAsync(due, at)
	case drivers.ModeOneway:
		var s oplog.Send
		msg := &l.msg
		l.prepare(&s, msg, l.buf, due)
		s.Sent = at
		err := l.prod.SendOneway(l.ctx, msg)
		s.Outcome = oplog.Unknown
		if err != nil {
			s.Outcome = outcomeOf(err)
			l.errs.add(l.now(), "send", err)
		}
		// Oneway has no ack: its publish latency is the send call itself.
		l.rec.Complete(&s, err == nil)
	default:
		var s oplog.Send
		msg := &l.msg
		l.prepare(&s, msg, l.buf, due)
		s.Sent = at
		ack, err := l.prod.Send(l.ctx, msg)
		l.finish(&s, ack, err)
		l.rec.Complete(&s, err == nil)
	}
	return true
}

// finish fills the outcome of s from the driver's answer.
func (l *producerLoop) finish(s *oplog.Send, ack drivers.Ack, err error) {
	if err != nil {
		s.Outcome = outcomeOf(err)
		l.errs.add(l.now(), "send", err)
		return
	}
	s.Outcome, s.Partition, s.Offset = oplog.OK, ack.Partition, ack.Offset
}

func (l *producerLoop) sendAsync(due, at int64) bool {
	var sl *slot
	select {
	case sl = <-l.free:
	default:
		select { // window full: wait (the schedule keeps running)
		case sl = <-l.free:
		case <-l.stop:
			return false
		}
		at = l.now() // the send starts only now
	}
	l.prepare(&sl.s, &sl.msg, sl.msg.Payload[:l.size], due)
	sl.state.Store(slotPending)
	sl.s.Sent = at
	l.prod.SendAsync(l.ctx, &sl.msg, sl.done)
	return true
}

// complete is the async done callback of a slot: exactly once per send; a
// callback after the harness gave up on the send is ignored (its outcome
// was already recorded as unknown).
func (sl *slot) complete(ack drivers.Ack, err error) {
	if !sl.state.CompareAndSwap(slotPending, slotFree) {
		return
	}
	sl.l.finish(&sl.s, ack, err)
	sl.l.rec.Complete(&sl.s, err == nil)
	sl.l.free <- sl
}

// awaitInFlight waits until every async slot is back, or until deadline;
// sends still pending then are recorded as unknown and abandoned.
func (l *producerLoop) awaitInFlight(deadline time.Time) (abandoned int) {
	if l.mode != drivers.ModeAsync {
		return 0
	}
	for len(l.free) < len(l.slots) && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for _, sl := range l.slots {
		if sl.state.CompareAndSwap(slotPending, slotAbandoned) {
			sl.s.Outcome = oplog.Unknown
			l.rec.Complete(&sl.s, false)
			abandoned++
		}
	}
	return abandoned
}

// outcomeOf maps a send error: a definite failure or an unknown outcome.
func outcomeOf(err error) oplog.Outcome {
	if drivers.IsFail(err) {
		return oplog.Failed
	}
	return oplog.Unknown
}
