package rocketmq

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// txAnswerLinger is how long Close waits after the last awaited
// check-back was answered before it shuts the client down.
const txAnswerLinger = 200 * time.Millisecond

// TxProducer sends transactional messages (drivers.KindTransactional)
// through the client's TransactionProducer, in group Options.Group+"-tx".
// Client v2.1.2 only has the synchronous SendMessageInTransaction: Send
// calls it; SendAsync runs it on a goroutine, at most
// ProducerConfig.Window at a time; there is no oneway send.
type TxProducer struct {
	d       *Driver
	tp      rocketmq.TransactionProducer
	window  chan struct{} // async: one token per send in flight
	pending sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

var _ drivers.Producer = (*TxProducer)(nil)

// newTxProducer starts a transactional producer; ModeOneway is refused
// with errors.ErrUnsupported.
func (d *Driver) newTxProducer(cfg drivers.ProducerConfig) (drivers.Producer, error) {
	if cfg.Mode == drivers.ModeOneway {
		return nil, fmt.Errorf("rocketmq: transactional messages cannot be sent oneway "+
			"(client v2.1.2 has only the synchronous SendMessageInTransaction; use sync or async): %w", errors.ErrUnsupported)
	}
	p := &TxProducer{d: d, window: make(chan struct{}, max(cfg.Window, 1))}
	tp, err := rocketmq.NewTransactionProducer(txListener{d, p}, d.producerOptions(d.opts.Group+txGroupSuffix)...)
	if err != nil {
		return nil, fmt.Errorf("rocketmq: new transaction producer: %w", err)
	}
	if err := tp.Start(); err != nil {
		return nil, fmt.Errorf("rocketmq: start transaction producer: %w", err)
	}
	p.tp = tp
	d.tx.used.Store(true)
	return p, nil
}

// Send sends m in a transaction and returns its outcome: the ack
// (partition of the real queue, offset -1: the broker stores the message
// in its queue only when the transaction commits) when the local
// transaction commits; drivers.Fail when the decision is rollback, local
// or by check-back; an unknown outcome (errTxPending) when the local
// state is unknown and the check-back will commit it — the message is not
// committed yet when Send returns. An
// error before the half message was accepted is classified as for plain
// sends. A half message the broker stored without SEND_OK (flush or
// replication not confirmed) is rolled back by the client, but the
// check-back could still commit it: its outcome is unknown.
func (p *TxProducer) Send(ctx context.Context, m *drivers.Message) (drivers.Ack, error) {
	msg := message(m)
	res, err := p.sendInTransaction(ctx, msg)
	if err != nil {
		return drivers.NoAck, classify(err)
	}
	if res == nil || res.SendResult == nil {
		return drivers.NoAck, errors.New("rocketmq: transactional send returned neither result nor error")
	}
	if res.Status != primitive.SendOK {
		return drivers.NoAck, fmt.Errorf("rocketmq: transactional send status %d: half message rolled back by the client, "+
			"a check-back may still commit it (outcome unknown)", res.Status)
	}
	x := p.d.decide(msg.Body)
	if x.final() != primitive.CommitMessageState {
		how := "local transaction rolled back"
		if x.local == primitive.UnknowState {
			how = "unknown local transaction, check-back answered rollback"
		}
		return drivers.NoAck, drivers.Fail(errors.New("rocketmq: transaction rolled back (" + how + ")"))
	}
	if x.local == primitive.UnknowState {
		// Committed only when the broker checks back (after seconds on
		// a real broker): it is not visible yet, so it is not acked —
		// its outcome is unknown, and a delivery counts as recovered.
		// (Acking it here would make every later message of its key
		// overtake it: a reorder RocketMQ never promised against.)
		return drivers.NoAck, errTxPending
	}
	return drivers.Ack{Partition: p.d.partition(res.MessageQueue), Offset: -1}, nil
}

// errTxPending is the outcome of a transactional message left unknown
// whose check-back will commit it.
var errTxPending = errors.New("rocketmq: transaction left unknown, to be committed by the broker's check-back (outcome unknown until then)")

// sendInTransaction calls SendMessageInTransaction, turning a panic of
// the client (it dereferences the broker's message id without checking
// it) into an error with an unknown outcome.
func (p *TxProducer) sendInTransaction(ctx context.Context, msg *primitive.Message) (res *primitive.TransactionSendResult, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("rocketmq: transactional send panicked in the client (outcome unknown): %v", r)
		}
	}()
	return p.tp.SendMessageInTransaction(ctx, msg)
}

// SendAsync runs Send on its own goroutine, at most ProducerConfig.Window
// at a time (it blocks while the window is full), and calls done exactly
// once with Send's outcome.
func (p *TxProducer) SendAsync(ctx context.Context, m *drivers.Message, done func(drivers.Ack, error)) {
	select {
	case p.window <- struct{}{}:
	case <-ctx.Done():
		done(drivers.NoAck, drivers.Fail(ctx.Err()))
		return
	}
	p.pending.Add(1)
	c := &drivers.Message{Topic: m.Topic, Key: append([]byte(nil), m.Key...), Payload: append([]byte(nil), m.Payload...)}
	go func() {
		defer p.pending.Done()
		a, err := p.Send(ctx, c)
		<-p.window
		done(a, err)
	}()
}

// SendOneway is not supported for transactional messages (NewProducer
// already refuses ModeOneway).
func (p *TxProducer) SendOneway(context.Context, *drivers.Message) error {
	return fmt.Errorf("rocketmq: transactional messages cannot be sent oneway: %w", errors.ErrUnsupported)
}

// Close waits for every async send's done and (up to
// TransactionOptions.CheckWait) for the check-back of every message it
// left unknown, then txAnswerLinger for the last answer to leave, then
// shuts the client down. The client's check-back goroutine keeps running
// (client v2.1.2 never stops it).
func (p *TxProducer) Close() error {
	p.closeOnce.Do(func() {
		p.pending.Wait()
		if p.d.tx.waitChecked(p, p.d.opts.Transaction.CheckWait) {
			// The client sends a check-back's answer (oneway) after the
			// listener returned; give it time to reach the broker.
			time.Sleep(txAnswerLinger)
		}
		p.closeErr = p.tp.Shutdown()
	})
	return p.closeErr
}
