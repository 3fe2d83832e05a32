package rocketmq

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// retryTopicPrefix is the prefix of a group's retry topic.
const retryTopicPrefix = "%RETRY%"

// Consumer is one push consumer. Deliveries carry an Ack: a message whose
// Ack was not called by the time the Handler returns is given back to the
// broker (ConsumeRetryLater, sent to the group's retry topic; orderly:
// SuspendCurrentQueueAMoment, retried locally) and delivered again with
// Redelivered set. An Ack called after the Handler returned does nothing.
// A message picked by consumer.retry_fraction is given back the same way
// although the Handler saw and acked it (retry.go); with read_dlq the
// consumer also reads the group's dead-letter topic (dlq.go).
type Consumer struct {
	d       *Driver
	pc      rocketmq.PushConsumer
	h       drivers.Handler
	orderly bool
	retry   retryPicker // consume retries on purpose (retry.go)
	offsets string      // broadcasting: the instance whose local offset files Close removes (broadcast.go)

	mu     sync.Mutex // held during Handler calls
	closed bool

	closeOnce sync.Once
	closeErr  error
}

var _ drivers.Consumer = (*Consumer)(nil)

// NewConsumer starts a push consumer of cfg.Group on cfg.Topic and waits
// ConsumerOptions.Settle. A new group starts at the first offset of each
// queue.
func (d *Driver) NewConsumer(ctx context.Context, cfg drivers.ConsumerConfig, h drivers.Handler) (drivers.Consumer, error) {
	model := consumer.Clustering
	if d.opts.Consumer.Model == "broadcasting" {
		model = consumer.BroadCasting
	}
	c := &Consumer{d: d, h: h, orderly: d.opts.Consumer.Order == "orderly",
		retry: newRetryPicker(d.seed, d.opts.Consumer.RetryOptions)}
	inst := instance("c")
	if model == consumer.BroadCasting {
		c.offsets = inst
	}
	opts := []consumer.Option{
		consumer.WithNsResolver(primitive.NewPassthroughResolver(d.ns)),
		consumer.WithGroupName(cfg.Group),
		consumer.WithInstance(inst),
		consumer.WithMaxReconsumeTimes(int32(d.opts.Consumer.MaxReconsumeTimes)),
		consumer.WithConsumerModel(model),
		consumer.WithConsumerOrder(c.orderly),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
		consumer.WithConsumeMessageBatchMaxSize(1),
		// One consume goroutine per topic: the client then hands a queue's
		// messages over in offset order (Handler calls are serialized
		// anyway).
		consumer.WithConsumeGoroutineNums(1),
	}
	if d.opts.AccessKey != "" {
		opts = append(opts, consumer.WithCredentials(d.credentials()))
	}
	pc, err := rocketmq.NewPushConsumer(opts...)
	if err != nil {
		return nil, fmt.Errorf("rocketmq: new consumer: %w", err)
	}
	if err := pc.Subscribe(cfg.Topic, consumer.MessageSelector{}, c.consume); err != nil {
		_ = pc.Shutdown()
		return nil, fmt.Errorf("rocketmq: subscribe %s: %w", cfg.Topic, err)
	}
	if err := c.subscribeDLQ(ctx, pc, cfg.Group); err != nil {
		_ = pc.Shutdown()
		return nil, err
	}
	if err := pc.Start(); err != nil {
		_ = pc.Shutdown()
		c.removeOffsets()
		return nil, dlqStartError(cfg.Group, err)
	}
	c.pc = pc
	if s := d.opts.Consumer.Settle; s > 0 {
		t := time.NewTimer(s)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	return c, nil
}

// consume is the client's callback: one Handler call per message, one at a
// time.
func (c *Consumer) consume(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	retry := consumer.ConsumeRetryLater
	if c.orderly {
		retry = consumer.SuspendCurrentQueueAMoment
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return retry, nil
	}
	allAcked := true
	for _, m := range msgs {
		picked := c.retry.pick(m.Body, m.ReconsumeTimes)
		if !c.deliver(m) || picked {
			allAcked = false
		}
	}
	if !allAcked {
		c.d.ctr.add(CounterConsumeRetryLater, int64(len(msgs)))
		return retry, nil
	}
	return consumer.ConsumeSuccess, nil
}

// deliver hands m to the Handler and reports whether it was acked during
// the call. A message read from the retry topic has partition and offset
// -1: its original placement is not known.
func (c *Consumer) deliver(m *primitive.MessageExt) bool {
	var acked atomic.Bool
	var called atomic.Bool
	d := &drivers.Delivery{
		Topic:       m.Topic,
		Partition:   c.d.partition(m.Queue),
		Offset:      m.QueueOffset,
		Payload:     m.Body,
		Redelivered: m.ReconsumeTimes > 0,
		Delay:       c.d.deliveryDelay(m),
		Ack: func() error {
			if !called.Load() {
				acked.Store(true)
			}
			return nil
		},
	}
	if m.Queue != nil && strings.HasPrefix(m.Queue.Topic, retryTopicPrefix) {
		d.Partition, d.Offset = -1, -1
	}
	if k := m.GetShardingKey(); k != "" {
		d.Key = []byte(k)
	}
	c.h(d)
	called.Store(true)
	return acked.Load()
}

// Close shuts the client down, then waits for a running Handler call;
// no Handler runs after Close returns.
func (c *Consumer) Close() error {
	c.closeOnce.Do(func() {
		c.closeErr = c.pc.Shutdown()
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
		c.removeOffsets()
	})
	return c.closeErr
}
