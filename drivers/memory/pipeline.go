package memory

import (
	"context"
	"math"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// defaultWindow is the pipeline's queue length when ProducerConfig.Window
// is not positive.
const defaultWindow = 1024

// asyncItem is one SendAsync waiting to be stored.
type asyncItem struct {
	ctx   context.Context
	t     *topic
	part  int32
	msg   drivers.Message
	delay time.Duration // ack latency + jitter
	err   error         // routing failed: report it, store nothing
	done  func(drivers.Ack, error)
}

// pendingAck is an outcome waiting for its time (and for the outcomes before
// it: done is called in send order).
type pendingAck struct {
	due  int64 // driver clock
	ctx  context.Context
	ack  drivers.Ack
	err  error
	done func(drivers.Ack, error)
}

// pipeline is a producer's async goroutine: it stores queued messages in
// order (waiting out stalls) and calls their done callbacks, in order, once
// each ack is due. It exits when in is closed and everything is reported.
type pipeline struct {
	p      *producer
	in     chan asyncItem
	exited chan struct{}
	queue  []pendingAck // FIFO, head at index 0
}

func startPipeline(p *producer) *pipeline {
	pl := &pipeline{p: p, in: make(chan asyncItem, windowOf(p.cfg)), exited: make(chan struct{})}
	go pl.run()
	return pl
}

func windowOf(cfg drivers.ProducerConfig) int {
	if cfg.Window > 0 {
		return cfg.Window
	}
	return defaultWindow
}

func (pl *pipeline) run() {
	defer close(pl.exited)
	d := pl.p.d
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	in := pl.in
	var cur asyncItem
	hasCur := false
	for {
		now := d.now()
		pl.emitDue(now)
		if hasCur && pl.tryStore(&cur, now) {
			hasCur, cur = false, asyncItem{}
			continue // take the next item without waiting
		}
		if !hasCur && in == nil && len(pl.queue) == 0 {
			return
		}
		wake := int64(math.MaxInt64)
		var headDone, curDone <-chan struct{}
		if len(pl.queue) > 0 {
			wake, headDone = pl.queue[0].due, pl.queue[0].ctx.Done()
		}
		recv := in
		if hasCur {
			end, _ := d.stallEnd(now)
			wake, curDone, recv = min(wake, end), cur.ctx.Done(), nil
		}
		var due <-chan time.Time
		if wake != math.MaxInt64 {
			timer.Reset(time.Duration(wake - now))
			due = timer.C
		}
		select {
		case it, ok := <-recv:
			if !ok {
				in = nil
			} else {
				cur, hasCur = it, true
			}
		case <-due:
		case <-headDone:
		case <-curDone:
		}
		timer.Stop()
	}
}

// tryStore stores it unless the broker is stalled; a failed route or an
// ended ctx is reported instead. It reports whether it is done with it.
func (pl *pipeline) tryStore(it *asyncItem, now int64) bool {
	switch {
	case it.err != nil:
		pl.push(pendingAck{due: now, ctx: it.ctx, ack: drivers.NoAck, err: it.err, done: it.done})
		return true
	case it.ctx.Err() != nil:
		pl.push(pendingAck{due: now, ctx: it.ctx, ack: drivers.NoAck, err: it.ctx.Err(), done: it.done})
		return true
	}
	if _, stalled := pl.p.d.stallEnd(now); stalled {
		return false
	}
	ack := pl.p.accept(it.t, it.part, &it.msg)
	due := pl.p.d.deferStall(now + int64(it.delay))
	pl.push(pendingAck{due: due, ctx: it.ctx, ack: ack, done: it.done})
	return true
}

func (pl *pipeline) push(a pendingAck) { pl.queue = append(pl.queue, a) }

// emitDue calls done for the head of the queue while it is due or its ctx
// has ended (then with ctx.Err(): the message is stored, the outcome is
// unknown to the caller).
func (pl *pipeline) emitDue(now int64) {
	for len(pl.queue) > 0 {
		a := pl.queue[0]
		err := a.err
		if a.due > now {
			if err = a.ctx.Err(); err == nil {
				return
			}
			a.ack = drivers.NoAck
		}
		pl.queue[0] = pendingAck{}
		pl.queue = pl.queue[1:] // append reallocates to the live part only
		a.done(a.ack, err)
	}
}
