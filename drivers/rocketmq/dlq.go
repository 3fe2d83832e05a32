package rocketmq

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// readsDLQ reports whether consumers read their group's dead-letter topic:
// consumer.read_dlq, clustering model only (a broadcasting consumer never
// sends a message back, so its group has no dead letters).
func (d *Driver) readsDLQ() bool {
	return d.opts.Consumer.ReadDLQ && d.opts.Consumer.Model != "broadcasting"
}

// ensureDLQ creates the dead-letter topic of group with one readable and
// writable queue on every broker of Options.BrokerAddrs (a broker creates
// it on the first dead letter otherwise, and RocketMQ 4.x brokers create
// it write-only, so nobody could read it). Without broker addresses it
// does nothing: the topic must exist (see dlqStartError).
func (d *Driver) ensureDLQ(ctx context.Context, group string) error {
	if len(d.opts.BrokerAddrs) == 0 {
		return nil
	}
	adm, err := d.admin()
	if err != nil {
		return err
	}
	defer func() { _ = adm.Close() }()
	topic := dlqTopicPrefix + group
	for _, addr := range d.opts.BrokerAddrs {
		err := adm.CreateTopic(ctx, admin.WithTopicCreate(topic), admin.WithBrokerAddrCreate(addr),
			admin.WithReadQueueNums(1), admin.WithWriteQueueNums(1), admin.WithPerm(6))
		if err != nil {
			return fmt.Errorf("rocketmq: create dead-letter topic %s on %s: %w", topic, addr, err)
		}
	}
	return nil
}

// dlqStartError explains a consumer start that failed because the
// dead-letter topic has no route.
func dlqStartError(group string, err error) error {
	topic := dlqTopicPrefix + group
	if strings.Contains(err.Error(), topic) {
		return fmt.Errorf("rocketmq: start consumer: dead-letter topic %s does not exist and driver.options.broker_addrs "+
			"is empty, so the driver cannot create it: set broker_addrs, create the topic (perm 6), "+
			"or set consumer.read_dlq: false: %w", topic, err)
	}
	return fmt.Errorf("rocketmq: start consumer: %w", err)
}

// consumeDLQ is the client's callback for the dead-letter topic: each
// message goes to the Handler with Redelivered set (it was delivered and
// retried before) and the placement of its original unknown (partition
// and offset -1), and is counted (dlq_messages). It is always consumed:
// Ack is nil, a dead letter is never sent back.
func (c *Consumer) consumeDLQ(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return consumer.ConsumeRetryLater, nil
	}
	for _, m := range msgs {
		c.d.ctr.add(CounterDLQMessages, 1)
		d := &drivers.Delivery{Topic: m.Topic, Partition: -1, Offset: -1, Payload: m.Body, Redelivered: true}
		if t := m.GetProperty(primitive.PropertyRetryTopic); t != "" {
			d.Topic = t
		}
		if k := m.GetShardingKey(); k != "" {
			d.Key = []byte(k)
		}
		c.h(d)
	}
	return consumer.ConsumeSuccess, nil
}

// subscribeDLQ subscribes pc to the dead-letter topic of group when
// consumers read it (readsDLQ), creating the topic first (ensureDLQ).
func (c *Consumer) subscribeDLQ(ctx context.Context, pc subscriber, group string) error {
	if !c.d.readsDLQ() {
		return nil
	}
	if err := c.d.ensureDLQ(ctx, group); err != nil {
		return err
	}
	topic := dlqTopicPrefix + group
	if err := pc.Subscribe(topic, consumer.MessageSelector{}, c.consumeDLQ); err != nil {
		return fmt.Errorf("rocketmq: subscribe %s: %w", topic, err)
	}
	return nil
}

// subscriber is the part of rocketmq.PushConsumer subscribeDLQ uses.
type subscriber interface {
	Subscribe(topic string, selector consumer.MessageSelector,
		f func(context.Context, ...*primitive.MessageExt) (consumer.ConsumeResult, error)) error
}
