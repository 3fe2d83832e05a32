// Package null is the driver that does nothing: every send is acked at once
// and nothing is ever delivered. It measures the harness's own ceiling (the
// pacer, the recorder and the checkers with no broker in the way), so its
// send paths do no allocation and take no lock.
//
// Sends report drivers.NoAck (no partition, no offset). SendAsync calls done
// inline, on the caller's goroutine, before it returns. Setup accepts any
// destinations and remembers none, so a send to any topic succeeds.
// Consumers never call their Handler.
package null

import (
	"context"

	"github.com/brokerbench/brokerbench/drivers"
)

// Factory registers the null driver ("null"). It has no options.
var Factory = drivers.Factory{
	Name:    "null",
	Summary: "acks instantly and delivers nothing, to measure the harness itself",
	Options: func() drivers.Options { return &Options{} },
	Open: func(context.Context, drivers.Options, drivers.Env) (drivers.Driver, error) {
		return New(), nil
	},
}

// Options is the null driver's (empty) option set.
type Options struct{}

// Validate always succeeds.
func (*Options) Validate() []drivers.OptionError { return nil }

// Driver is the null driver. It holds no state; all methods are safe for
// concurrent use and Close is a no-op.
type Driver struct{}

var (
	_ drivers.Options  = (*Options)(nil)
	_ drivers.Driver   = (*Driver)(nil)
	_ drivers.Producer = producer{}
	_ drivers.Consumer = consumer{}
)

// New returns a null driver.
func New() *Driver { return &Driver{} }

// Info says what the null driver is.
func (*Driver) Info() drivers.Info {
	return drivers.Info{
		Driver:  "null",
		Broker:  "none",
		StandIn: "null driver: acks instantly, delivers nothing — measures the harness itself",
	}
}

// Setup does nothing and succeeds.
func (*Driver) Setup(context.Context, []drivers.Destination) error { return nil }

// NewProducer returns a producer that acks everything at once. Closing it
// is optional.
func (*Driver) NewProducer(context.Context, drivers.ProducerConfig) (drivers.Producer, error) {
	return producer{}, nil
}

// NewConsumer returns a consumer that never calls h. Closing it is
// optional.
func (*Driver) NewConsumer(context.Context, drivers.ConsumerConfig, drivers.Handler) (drivers.Consumer, error) {
	return consumer{}, nil
}

// Close does nothing.
func (*Driver) Close() error { return nil }

// producer is stateless, so copies are free and it needs no pointer.
type producer struct{}

func (producer) Send(context.Context, *drivers.Message) (drivers.Ack, error) {
	return drivers.NoAck, nil
}

func (producer) SendAsync(_ context.Context, _ *drivers.Message, done func(drivers.Ack, error)) {
	done(drivers.NoAck, nil)
}

func (producer) SendOneway(context.Context, *drivers.Message) error { return nil }

func (producer) Close() error { return nil }

type consumer struct{}

func (consumer) Close() error { return nil }
