// Package rabbitmq is the brokerbench driver for RabbitMQ, over AMQP 0.9.1
// with github.com/rabbitmq/amqp091-go.
//
// # Destinations
//
// Setup declares one queue per partition, of Options.QueueType (classic,
// quorum or stream; x-queue-type), durable per Options.Durable, with
// x-single-active-consumer when asked. A destination with Partitions <= 1
// is the queue of its own name; one with N >= 2 partitions is the N queues
// name.0 .. name.(N-1), and a message goes to queue FNV-1a-32(key) mod N
// (unkeyed messages round-robin per producer), so per-key order is per
// queue. Ack.Partition and Delivery.Partition are the queue's index (0 for
// a single queue). Offsets are -1, except Delivery.Offset of a stream,
// which is the stream offset (the x-stream-offset header); publisher
// confirms carry no offset. With Options.Exchange set, a direct exchange
// is declared and each queue bound with its own name as routing key;
// messages are published to it with the chosen queue's name as routing
// key. The message key travels in the "bb-key" header. Producers and
// consumers of a destination that this driver did not Set up look for its
// queues on the broker (name, else name.0, name.1, ...); with none, they
// fail with ErrUnknownTopic.
//
// # Send modes and outcomes
//
// Each producer has its own connection and channel.
//
//   - sync (Send): the channel is in confirm mode; each publish waits for
//     its own confirm, which Send reads itself, on the caller's goroutine
//     (no hand-off between goroutines on the sync path).
//   - async (SendAsync): confirm mode with up to ProducerConfig.Window
//     unconfirmed publishes (SendAsync blocks while the window is full);
//     confirms are matched to publishes by delivery tag as they arrive and
//     done is called from the producer's confirm goroutine, in tag order.
//   - oneway (SendOneway): no confirm mode; the outcome is never known.
//     Close waits oneway_linger first: RabbitMQ drops what a closing
//     channel still buffers for a quorum queue.
//
// The mode a producer is opened with (ProducerConfig.Mode) decides its
// channel; the other methods still work: Send on an async producer waits
// for the confirm goroutine, SendAsync on a sync producer is Send then
// done inline, SendOneway on a confirm channel ignores its confirm, and
// Send or SendAsync on a oneway producer fail with
// drivers.Fail(ErrNoConfirms).
//
// Outcomes, for sync and async alike:
//
//   - basic.ack: ok, Ack{Partition: queue index, Offset: -1}.
//   - basic.nack: drivers.Fail(ErrNacked). RabbitMQ nacks when it could
//     not take responsibility for the message (for a quorum queue: no
//     leader could commit it, e.g. while the old leader is down and the
//     channel's queue process has not found the new one). RabbitMQ does not
//     promise a nacked message was not stored — a nack can race with a
//     write that later succeeds — so a nacked message that is delivered
//     anyway is an "aborted read" in the harness's terms; this driver
//     reports nack as failed, as the harness asks.
//   - channel or connection lost before the confirm, confirm_timeout
//     exceeded, or the producer closed first: ErrUnconfirmed (unknown) for
//     every outstanding publish.
//   - the publish could not be written (no connection, the channel closed
//     before the write, the async window wait ended by ctx): drivers.Fail.
//   - the write itself broke midway: ErrUnconfirmed (unknown).
//   - Send's ctx ending while it waits for the confirm: ctx's error
//     (unknown); the confirm, when it comes, is dropped.
//
// done (and Send's return) happens exactly once per message. Close waits
// up to confirm_timeout for outstanding confirms, then reports the rest as
// unknown; every done has been called when it returns. A send whose ctx
// has already ended is not written (drivers.Fail).
//
// # Faults, reconnects and events
//
// Producers and consumers connect to URLs[ID mod len(URLs)] and move to
// the next URL on every reconnect, waiting an exponential back-off
// (reconnect.min_backoff doubling up to reconnect.max_backoff; reset by
// the next ack or delivery). A lost connection (or a channel closed by
// the broker) makes outstanding publishes unknown; the next send
// reconnects. A confirm that does not come within confirm_timeout drops
// the whole connection (the node is likely paused). A publisher that gets
// nack_reopen_after nacks in a row closes its channel and opens a new one
// after the back-off: a channel that reached a quorum queue through a
// follower while its leader was down was seen to get only nacks until the
// old node came back, while a new channel works. A consumer whose channel
// or connection is lost reopens it the same way and consumes again; the
// broker redelivers its unacked messages (flagged Redelivered); a stream
// consumer resumes after the last offset it delivered. Acks of deliveries
// from a lost channel fail.
//
// Every connect, failed dial, lost connection or channel, nack run,
// nack-reopen, confirm timeout, broker block and consumer cancel is
// recorded with its time, node and detail: Driver.Events (the optional
// EventLogger interface) returns them for the run's timeline.
//
// # Consumers
//
// Consumers ack manually (Delivery.Ack) with basic.qos prefetch
// Options.Prefetch. Delivery.Redelivered is the broker's redelivered flag.
// ConsumerConfig.Group is not used: consumers of a classic or quorum
// queue compete (with single_active_consumer only one receives at a
// time); every stream consumer reads the whole stream from stream.offset.
// A consumer of N queues serves them from one channel; its Handler calls
// are serialized.
//
// # Concurrency and lifetime
//
// The Driver's methods are safe for concurrent use. A producer's send
// methods are called by one goroutine at a time. The caller closes
// producers and consumers, then the driver (Driver.Close closes any still
// open). Info().Version is the server's version from the first
// connection's handshake.
package rabbitmq
