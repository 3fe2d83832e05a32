package rocketmq

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// errBatchSync says why a batch producer has no sync sends.
var errBatchSync = fmt.Errorf("rocketmq: kind batch has no sync mode: a sync send would wait for the batch it joined, "+
	"which fills only from the same producer's later sends (use mode async or oneway): %w", errors.ErrUnsupported)

// batcher groups the messages of a producer of kind batch into batches:
// one open batch per topic, per send mode (async, oneway) and, with
// ordered: true, per message key, so that a batch goes to its key's queue
// (see batchSelector). A batch is sent when it holds BatchOptions.Size
// messages, when it is BatchOptions.Linger old, or on Close, with one
// SendAsync or SendOneWay call. The lock is held while a batch is handed
// to the client, so the batches of one key leave in the order they filled.
type batcher struct {
	p      *Producer
	size   int
	linger time.Duration
	sel    *batchSelector // ordered: true only

	mu     sync.Mutex
	open   map[batchKey]*batch
	closed bool
}

// batchKey identifies one open batch.
type batchKey struct {
	topic  string
	key    string // ordered: the message key; "" otherwise
	oneway bool
}

// batch is one open batch.
type batch struct {
	k     batchKey
	msgs  []*primitive.Message
	dones []func(drivers.Ack, error) // async: one per message
	timer *time.Timer
}

// newBatcher returns the batcher of a producer of kind batch, nil for
// other kinds, and refuses sync mode (errBatchSync).
func (d *Driver) newBatcher(cfg drivers.ProducerConfig) (*batcher, error) {
	if cfg.Kind != drivers.KindBatch {
		return nil, nil
	}
	if cfg.Mode == drivers.ModeSync {
		return nil, errBatchSync
	}
	b := &batcher{size: d.opts.Batch.Size, linger: d.opts.Batch.Linger, open: map[batchKey]*batch{}}
	if d.opts.Ordered {
		b.sel = newBatchSelector()
	}
	return b, nil
}

// add puts m into its open batch (async: with done, called once with the
// batch's outcome), and sends the batch when it is full.
func (b *batcher) add(m *drivers.Message, done func(drivers.Ack, error), oneway bool) error {
	k := batchKey{topic: m.Topic, oneway: oneway}
	if b.sel != nil {
		k.key = string(m.Key)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return drivers.Fail(errors.New("rocketmq: send on a closed producer"))
	}
	bt := b.open[k]
	if bt == nil {
		bt = &batch{k: k, msgs: make([]*primitive.Message, 0, b.size)}
		b.open[k] = bt
		bt.timer = time.AfterFunc(b.linger, func() { b.flushIfOpen(bt) })
	}
	bt.msgs = append(bt.msgs, message(m))
	if !oneway {
		bt.dones = append(bt.dones, done)
	}
	if len(bt.msgs) >= b.size {
		b.flushLocked(bt)
	}
	return nil
}

// flushIfOpen sends bt when its linger timer fires, unless it was sent.
func (b *batcher) flushIfOpen(bt *batch) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.open[bt.k] == bt {
		b.flushLocked(bt)
	}
}

// close sends every open batch; later adds fail.
func (b *batcher) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for _, bt := range b.open {
		b.flushLocked(bt)
	}
}

// flushLocked removes bt from the open batches and hands it to the client.
func (b *batcher) flushLocked(bt *batch) {
	delete(b.open, bt.k)
	bt.timer.Stop()
	ctr := &b.p.d.ctr
	ctr.add(CounterBatchesSent, 1)
	ctr.add(CounterBatchMessages, int64(len(bt.msgs)))
	if b.sel != nil && bt.k.key != "" && len(bt.msgs) > 1 {
		defer b.sel.forget(b.sel.hint(bt.msgs))
	}
	// context.Background: the client bounds every send by its own timeout,
	// and a batch outlives the harness call whose message filled it.
	if bt.k.oneway {
		b.p.lastOneway.Store(time.Now().UnixNano())
		if err := b.p.p.SendOneWay(context.Background(), bt.msgs...); err != nil {
			ctr.add(CounterBatchOnewayFailures, 1)
		}
		return
	}
	b.p.sendBatchAsync(bt.msgs, bt.dones)
}

// sendBatchAsync sends msgs with one SendAsync call. Every done is called
// exactly once: with the batch's ack (message i at the batch's first
// queue offset + i, as the broker stores a batch contiguously) or the
// batch's error, whichever way client v2.1.2 reports it (see SendAsync).
func (p *Producer) sendBatchAsync(msgs []*primitive.Message, dones []func(drivers.Ack, error)) {
	var once sync.Once
	finish := func(a drivers.Ack, err error) {
		once.Do(func() {
			for i, done := range dones {
				ai := a
				if err == nil && ai.Offset >= 0 {
					ai.Offset += int64(i)
				}
				p.complete(done, ai, err)
			}
		})
	}
	timer := time.AfterFunc(p.d.opts.SendTimeout+asyncGrace, func() {
		finish(drivers.NoAck, errors.New("rocketmq: async batch send callback never came (outcome unknown)"))
	})
	err := p.p.SendAsync(context.Background(), func(_ context.Context, res *primitive.SendResult, err error) {
		timer.Stop()
		finish(p.ack(res, err))
	}, msgs...)
	if err != nil {
		timer.Stop()
		finish(drivers.NoAck, classify(err))
	}
}

// complete calls done and frees the message's window slot.
func (p *Producer) complete(done func(drivers.Ack, error), a drivers.Ack, err error) {
	done(a, err)
	<-p.window
	p.pending.Done()
}
