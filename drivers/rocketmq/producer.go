package rocketmq

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"

	"github.com/brokerbench/brokerbench/drivers"
)

// asyncGrace is added to SendTimeout before an async send whose callback
// never came is reported as unknown.
const asyncGrace = 2 * time.Second

// Producer sends through one rocketmq-client-go producer.
type Producer struct {
	d       *Driver
	p       rocketmq.Producer
	window  chan struct{} // async: one token per send in flight
	batch   *batcher      // kind batch only (batch.go)
	pending sync.WaitGroup

	lastOneway atomic.Int64 // unix ns of the last oneway send
	delayLevel int          // KindDelayed: the delay level of every message, else 0

	closeOnce sync.Once
	closeErr  error
}

var _ drivers.Producer = (*Producer)(nil)

// onewayLinger is how long Close waits after the last oneway send before
// closing the client's connections. The broker answers every send, oneway
// ones included, and a connection closed with unread answers is reset,
// which makes the broker drop requests it had not read yet.
const onewayLinger = 200 * time.Millisecond

// NewProducer starts a producer of the options' group with its own client
// instance. Kind ordered picks queues by key as Options.Ordered does; kind
// delayed sets Options.DelayLevel on every message; kind transactional
// opens a TxProducer (no oneway).
func (d *Driver) NewProducer(_ context.Context, cfg drivers.ProducerConfig) (drivers.Producer, error) {
	delayLevel := 0
	switch cfg.Kind.Normal() {
	case drivers.KindPlain, drivers.KindOrdered, drivers.KindBatch:
	case drivers.KindDelayed:
		delayLevel = d.opts.DelayLevel
	case drivers.KindTransactional:
		return d.newTxProducer(cfg)
	default:
		return nil, fmt.Errorf("rocketmq: message kind %q not supported (allowed: %s)", cfg.Kind, kindList())
	}
	bt, err := d.newBatcher(cfg)
	if err != nil {
		return nil, err
	}
	opts := d.producerOptions(d.opts.Group)
	if d.opts.Ordered && bt != nil {
		opts = append(opts, producer.WithQueueSelector(bt.sel))
	} else if d.opts.Ordered || cfg.Kind == drivers.KindOrdered {
		opts = append(opts, producer.WithQueueSelector(producer.NewHashQueueSelector()))
	}
	p, err := rocketmq.NewProducer(opts...)
	if err != nil {
		return nil, fmt.Errorf("rocketmq: new producer: %w", err)
	}
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("rocketmq: start producer: %w", err)
	}
	pr := &Producer{d: d, p: p, window: make(chan struct{}, max(cfg.Window, 1)), batch: bt, delayLevel: delayLevel}
	if bt != nil {
		bt.p = pr
	}
	return pr, nil
}

// producerOptions are the client options every producer of group uses.
func (d *Driver) producerOptions(group string) []producer.Option {
	opts := []producer.Option{
		producer.WithNsResolver(primitive.NewPassthroughResolver(d.ns)),
		producer.WithGroupName(group),
		producer.WithInstanceName(instance("p")),
		producer.WithRetry(d.opts.Retries),
		producer.WithSendMsgTimeout(d.opts.SendTimeout),
	}
	if d.opts.AccessKey != "" {
		opts = append(opts, producer.WithCredentials(d.credentials()))
	}
	return opts
}

// message converts m, copying the payload (the client may hold it after
// the harness reuses it). A key becomes the sharding key (the hash
// selector's input) and the message key.
func message(m *drivers.Message) *primitive.Message {
	msg := primitive.NewMessage(m.Topic, bytes.Clone(m.Payload))
	if len(m.Key) > 0 {
		msg.WithShardingKey(string(m.Key))
		msg.WithKeys([]string{string(m.Key)})
	}
	return msg
}

// Send is a sync send (SendSync); a producer of kind batch has none.
func (p *Producer) Send(ctx context.Context, m *drivers.Message) (drivers.Ack, error) {
	if p.batch != nil {
		return drivers.NoAck, drivers.Fail(errBatchSync)
	}
	res, err := p.p.SendSync(ctx, withDelay(message(m), p.delayLevel))
	return p.ack(res, err)
}

// ack turns a send result into the harness's ack and error.
func (p *Producer) ack(res *primitive.SendResult, err error) (drivers.Ack, error) {
	if err != nil {
		return drivers.NoAck, classify(err)
	}
	if res == nil {
		return drivers.NoAck, errors.New("rocketmq: send returned neither result nor error")
	}
	if res.Status != primitive.SendOK {
		// Stored by the master, but flush or replication did not confirm.
		return drivers.NoAck, fmt.Errorf("rocketmq: send status %d", res.Status)
	}
	if p.delayLevel > 0 {
		// The offset is the message's place in the broker's schedule
		// topic; it gets its queue offset only when it is due.
		return drivers.Ack{Partition: p.d.partition(res.MessageQueue), Offset: -1}, nil
	}
	return drivers.Ack{Partition: p.d.partition(res.MessageQueue), Offset: res.QueueOffset}, nil
}

// SendAsync is an async send (SendAsync) bounded by the window. done is
// called exactly once: from the client's callback, or here when SendAsync
// fails by return value without calling back (client v2.1.2 does both, and
// may even do both for one message), or with an unknown outcome when no
// callback came within SendTimeout + 2s.
func (p *Producer) SendAsync(ctx context.Context, m *drivers.Message, done func(drivers.Ack, error)) {
	select {
	case p.window <- struct{}{}:
	case <-ctx.Done():
		done(drivers.NoAck, drivers.Fail(ctx.Err()))
		return
	}
	p.pending.Add(1)
	if p.batch != nil {
		if err := p.batch.add(m, done, false); err != nil {
			p.complete(done, drivers.NoAck, err)
		}
		return
	}
	var once sync.Once
	finish := func(a drivers.Ack, err error) {
		once.Do(func() {
			done(a, err)
			<-p.window
			p.pending.Done()
		})
	}
	timer := time.AfterFunc(p.d.opts.SendTimeout+asyncGrace, func() {
		finish(drivers.NoAck, errors.New("rocketmq: async send callback never came (outcome unknown)"))
	})
	err := p.p.SendAsync(ctx, func(_ context.Context, res *primitive.SendResult, err error) {
		timer.Stop()
		finish(p.ack(res, err))
	}, withDelay(message(m), p.delayLevel))
	if err != nil {
		timer.Stop()
		finish(drivers.NoAck, classify(err))
	}
}

// SendOneway is a oneway send (SendOneWay): the outcome is never known.
func (p *Producer) SendOneway(ctx context.Context, m *drivers.Message) error {
	if p.batch != nil {
		return p.batch.add(m, nil, true)
	}
	p.lastOneway.Store(time.Now().UnixNano())
	return classify(p.p.SendOneWay(ctx, withDelay(message(m), p.delayLevel)))
}

// Close waits for every async send's done (and up to onewayLinger after
// the last oneway send), then shuts the client down.
func (p *Producer) Close() error {
	p.closeOnce.Do(func() {
		if p.batch != nil {
			p.batch.close()
		}
		p.pending.Wait()
		if last := p.lastOneway.Load(); last != 0 {
			time.Sleep(onewayLinger - time.Since(time.Unix(0, last)))
		}
		p.closeErr = p.p.Shutdown()
	})
	return p.closeErr
}
