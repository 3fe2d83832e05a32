package drivertest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// keyCount is how many distinct keys the suite's messages use.
const keyCount = 8

var keyBytes = func() [keyCount][]byte {
	var ks [keyCount][]byte
	for i := range ks {
		ks[i] = []byte(fmt.Sprintf("key-%d", i))
	}
	return ks
}()

// sendResult is what the sends of one producer learned. Safe for
// concurrent use (async done callbacks).
type sendResult struct {
	mu    sync.Mutex
	ids   []msgID
	acks  map[msgID]drivers.Ack
	dones map[msgID]int
	errs  []string
}

func newSendResult() *sendResult {
	return &sendResult{acks: make(map[msgID]drivers.Ack), dones: make(map[msgID]int)}
}

func (r *sendResult) record(id msgID, ack drivers.Ack, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dones[id]++
	if r.dones[id] > 1 {
		r.errs = append(r.errs, fmt.Sprintf("%v: outcome reported %d times", id, r.dones[id]))
		return
	}
	if err != nil {
		r.errs = append(r.errs, fmt.Sprintf("%v: %v", id, err))
		return
	}
	r.acks[id] = ack
}

// doneCount returns how many sends have reported an outcome.
func (r *sendResult) doneCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.dones)
}

// sendSpec describes one producer's run of sends.
type sendSpec struct {
	producer int
	topic    string
	mode     drivers.Mode
	from, n  uint64 // seqs [from, from+n)
	window   int    // async in-flight bound
}

// clobber overwrites a send buffer the driver may no longer read.
func clobber(b []byte) {
	for i := range b {
		b[i] = 0xA5
	}
}

// send sends spec's messages with keys seq % keyCount and real envelopes,
// reusing (and clobbering) buffers as soon as the interface allows. Async
// sends keep at most spec.window in flight; send does not wait for the last
// callbacks (Close does).
func send(ctx context.Context, p drivers.Producer, spec sendSpec, res *sendResult) {
	window := max(spec.window, 1)
	free := make(chan []byte, window)
	for range window {
		free <- make([]byte, MessageSize)
	}
	start := time.Now()
	for seq := spec.from; seq < spec.from+spec.n; seq++ {
		id := msgID{uint32(spec.producer), seq}
		res.mu.Lock()
		res.ids = append(res.ids, id)
		res.mu.Unlock()
		var buf []byte
		select {
		case buf = <-free:
		case <-ctx.Done():
			res.record(id, drivers.NoAck, fmt.Errorf("no free buffer: %w", ctx.Err()))
			continue
		}
		env := drivers.Envelope{Producer: id.producer, Seq: seq, Keyed: true,
			Key: uint32(seq % keyCount), Intended: int64(time.Since(start))}
		env.Encode(buf)
		m := &drivers.Message{Topic: spec.topic, Key: keyBytes[env.Key], Payload: buf}
		switch spec.mode {
		case drivers.ModeSync:
			ack, err := p.Send(ctx, m)
			res.record(id, ack, err)
			clobber(buf)
			free <- buf
		case drivers.ModeAsync:
			p.SendAsync(ctx, m, func(ack drivers.Ack, err error) {
				res.record(id, ack, err)
				clobber(buf)
				free <- buf
			})
		case drivers.ModeOneway:
			err := p.SendOneway(ctx, m)
			res.record(id, drivers.NoAck, err)
			clobber(buf)
			free <- buf
		}
	}
}
