package rabbitmq

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"

	amqp "github.com/rabbitmq/amqp091-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// keyHeader carries Message.Key on the wire (as an AMQP byte array), so
// deliveries report it.
const keyHeader = "bb-key"

// queueNames returns the queues of a destination with n partitions: the
// destination's own name when n <= 1, else name.0 .. name.(n-1).
func queueNames(dest string, n int) []string {
	if n <= 1 {
		return []string{dest}
	}
	out := make([]string, n)
	for i := range out {
		out[i] = dest + "." + strconv.Itoa(i)
	}
	return out
}

// keyPartition maps a key to one of n partitions: FNV-1a-32(key) mod n.
func keyPartition(key []byte, n int) int {
	h := fnv.New32a()
	h.Write(key)
	return int(h.Sum32() % uint32(n))
}

// queueArgs are the declare arguments of every queue.
func (d *Driver) queueArgs() amqp.Table {
	args := amqp.Table{"x-queue-type": d.opts.QueueType}
	if d.opts.SingleActiveConsumer {
		args["x-single-active-consumer"] = true
	}
	return args
}

// declare declares one destination's queues (and the exchange and
// bindings) on ch.
func (d *Driver) declare(ch *amqp.Channel, dest drivers.Destination) error {
	o := &d.opts
	if o.Exchange != "" {
		if err := ch.ExchangeDeclare(o.Exchange, amqp.ExchangeDirect, o.Durable, false, false, false, nil); err != nil {
			return fmt.Errorf("declaring exchange %s: %w", o.Exchange, err)
		}
	}
	for _, q := range queueNames(dest.Name, dest.Partitions) {
		if _, err := ch.QueueDeclare(q, o.Durable, false, false, false, d.queueArgs()); err != nil {
			return fmt.Errorf("declaring %s queue %s: %w", o.QueueType, q, err)
		}
		if o.Exchange != "" {
			if err := ch.QueueBind(q, q, o.Exchange, false, nil); err != nil {
				return fmt.Errorf("binding %s to %s: %w", q, o.Exchange, err)
			}
		}
	}
	return nil
}

// partitions returns how many queues a destination has: what Setup said,
// else what exists on the broker (dest, or dest.0, dest.1, ...).
func (d *Driver) partitions(ctx context.Context, dest string) (int, error) {
	d.mu.Lock()
	n, ok := d.topics[dest]
	d.mu.Unlock()
	if ok {
		return n, nil
	}
	exists := func(q string) (bool, error) {
		err := d.withAdmin(ctx, func(ch *amqp.Channel) error {
			_, err := ch.QueueDeclarePassive(q, d.opts.Durable, false, false, false, nil)
			return err
		})
		var ae *amqp.Error
		if errors.As(err, &ae) && ae.Code == amqp.NotFound {
			return false, nil
		}
		return err == nil, err
	}
	if ok, err := exists(dest); ok || err != nil {
		if ok {
			d.remember(dest, 1)
		}
		return 1, err
	}
	for n = 0; ; n++ {
		ok, err := exists(dest + "." + strconv.Itoa(n))
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
	}
	if n < 2 { // Setup makes name.0.. only for two partitions or more
		return 0, fmt.Errorf("%w %q: no queue %s, nor %s.0 and %s.1", ErrUnknownTopic, dest, dest, dest, dest)
	}
	d.remember(dest, n)
	return n, nil
}
