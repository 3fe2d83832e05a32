package rabbitmq

import "errors"

// Errors the driver reports. Those wrapped by drivers.Fail say the message
// was definitely not written; ErrUnconfirmed leaves the outcome unknown.
var (
	// ErrClosed: the producer, consumer or driver is closed (wrapped by
	// drivers.Fail on sends).
	ErrClosed = errors.New("rabbitmq: closed")
	// ErrUnknownTopic: no queue of this destination exists.
	ErrUnknownTopic = errors.New("rabbitmq: unknown destination")
	// ErrNacked: the broker nacked the publish: it could not take
	// responsibility for the message (always wrapped by drivers.Fail).
	ErrNacked = errors.New("rabbitmq: publish nacked by the broker")
	// ErrNoConfirms: Send or SendAsync on a producer opened in oneway mode,
	// whose channel is not in confirm mode (wrapped by drivers.Fail).
	ErrNoConfirms = errors.New("rabbitmq: producer opened in oneway mode has no confirms")
	// ErrUnconfirmed: the publish was written (or may have been) but its
	// confirm never came: the channel or connection was lost, the confirm
	// timed out, or the producer closed first. The outcome is unknown.
	ErrUnconfirmed = errors.New("rabbitmq: publish outcome unknown")
)
