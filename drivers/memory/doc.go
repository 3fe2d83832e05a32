// Package memory is an in-process message broker with fault injection. It
// is the broker the checkers are proven against, so everything it does is
// exact and documented here. It is a test double, not a real broker, and
// says so in Info().StandIn.
//
// # Broker model
//
// Setup creates topics, each with Destination.Partitions partitions (0 means
// 1). Setup is idempotent; re-creating a topic with another partition count
// is an error. A send to a topic that does not exist fails with
// drivers.Fail(ErrUnknownTopic).
//
// A keyed message (Key != nil) goes to partition FNV-1a-32(key) mod
// partitions; unkeyed messages go round-robin per producer, starting at
// partition 0. Each partition is an append-only log with offsets from 0.
// The broker copies key and payload when it stores a message (into a
// per-partition arena), so the harness may reuse its buffers as soon as a
// send completes. Delivery.Key and Delivery.Payload point into the broker's
// copy and must not be modified.
//
// # Consumer groups
//
// A group is named by ConsumerConfig.Group and scoped to its topic. It is
// created by its first consumer and positioned at each partition's first
// retained offset (offset 0 unless the log was trimmed, see below); it
// keeps its position while it has no members. Partition i is assigned to
// member i mod n, members in join order; every join and every Close
// reassigns. A member gets the records of its partitions in offset order,
// one Handler call at a time from the consumer's own goroutine, taking its
// partitions in turn; it waits on a channel (no polling) when there is
// nothing to deliver.
//
// Every delivery is tracked until its Ack: acks may come in any order, and
// exactly the unacked deliveries are redelivered. A delivery stays with the
// consumer it was handed to even when a join moves its partition; when that
// consumer closes, its unacked deliveries go back to their partitions and
// are delivered (before any new record) to the partitions' current owners
// with Redelivered set. An Ack of a delivery the consumer no longer holds
// (acked twice, or after its Close) returns ErrAckNotHeld.
//
// A partition's chunks (1024 records) that every group of the topic has
// consumed and acked are freed. With no group the log keeps everything.
//
// # Broadcasting
//
// With Options.Broadcast every consumer gets every message, like
// RocketMQ's broadcasting model: each NewConsumer joins a group of its own
// (named after ConsumerConfig.Group and a per-topic sequence number), so
// it reads every partition with its own cursor from the first retained
// offset, and each injection applies to each consumer (a redeliver
// injection is redelivered once to each). A chunk is freed only once every
// consumer has acked it; a consumer that joins after a chunk was freed
// does not get it. When a broadcasting consumer closes, its group goes
// with it: its unacked deliveries are redelivered to nobody. The driver
// then reports Broadcasting() true (drivers.Broadcaster), so the harness
// checks each consumer as a subscriber of its own.
//
// # Send modes and acks
//
// Send stores the message, waits for the ack latency and returns the
// drivers.Ack{Partition, Offset} of the stored record. SendOneway stores the
// message and returns; no ack latency applies.
//
// SendAsync calls done exactly once per message, in send order per
// producer. When the options have no AckLatency, no AckJitter and no
// Stalls, it stores the message and calls done inline, on the caller's
// goroutine, before returning. Otherwise it queues the message (up to
// ProducerConfig.Window, default 1024; SendAsync blocks while the queue is
// full) to the producer's pipeline goroutine, which stores queued messages
// in order and calls done from that goroutine once each ack is due. done
// must not call SendAsync or Close on the same producer. A producer's Close
// waits until every done has been called.
//
// The ack latency of a message is AckLatency plus a uniform jitter in
// [0, AckJitter) drawn from a math/rand/v2 PCG seeded by Inject.Seed and the
// producer id; it starts when the message is stored. The message is
// deliverable DeliveryLatency after it is appended, independent of its ack.
//
// # Delayed messages
//
// A producer opened with ProducerConfig.Kind drivers.KindDelayed (the only
// kind besides plain in Factory.Kinds; others are refused, and so is a
// delayed producer when Options.Delay is 0) sends delayed messages: each
// is acked at once with (partition, offset -1) and appended to its
// partition Options.Delay after the broker accepted it, like a broker's
// schedule topic. One delay for all keeps them in send order; a
// duplicate, redeliver, reorder or corrupt injection applies when it is
// appended. Deliveries of a delayed message carry Delivery.Delay. A
// message still scheduled when the driver closes is appended at its time
// (consumers still open get it).
//
// # Stalls
//
// During each window [Env.Start+At, Env.Start+At+For) (Env.Start zero
// means the driver's creation time) the broker accepts no send of any mode:
// sends block, without storing anything or taking an arrival index, until
// the window ends. An ack that falls due inside a window is held until its
// end. Deliveries and consumer acks continue. A send blocked in a stall
// whose ctx ends returns ctx.Err() (or gets it in done): an unknown
// outcome, never drivers.Fail. ctx ending during Send's ack latency, or
// before an async ack is due, also reports ctx.Err() — the message is
// stored then. Async done callbacks of messages whose ctx ended are called
// at once, still in order.
//
// # Injection
//
// Every accepted send (all modes, all producers and topics) takes the next
// broker-wide arrival index, 0-based. Inject chooses Drop+Duplicate+
// Redeliver+Reorder+Corrupt+Early distinct indices from [From, To) with a seeded
// math/rand/v2 PCG (Driver.Plan lists them); each gets one injection:
//
//   - drop: acked (partition, offset -1) but never stored: lost.
//   - duplicate: stored twice in a row; the ack names the first offset; the
//     second copy is delivered without Redelivered (a broker-side duplicate).
//   - redeliver: stored once; in each group, after the first Ack of its
//     delivery, it is delivered once more with Redelivered set (an allowed
//     redelivery).
//   - reorder: acked at once with (partition, offset -1) but held back from
//     its partition until Inject.ReorderDistance more records were appended
//     there (duplicate copies and other released held messages count), then
//     appended; or after ReorderMaxHold, or when its producer or the driver
//     closes, whichever comes first. A held message is never lost.
//   - corrupt: acked and stored, but the stored copy has one payload byte
//     flipped: consumers get a payload that is not a valid envelope (the
//     harness counts it unexpected, and the original message lost).
//   - early: a delayed message appended at once instead of after its
//     delay, so it is delivered early (still carrying Delivery.Delay). On
//     a plain message it does nothing and is not counted.
//
// With one producer the arrival index is the envelope's seq, so tests can
// compare a checker's findings with Plan. A run that sends at least To
// messages gets exactly the configured counts; Driver.Injected reports what
// happened so far (InjectCounts.ReorderShort counts held messages released
// before their distance was reached, which may show less reordering), and
// Driver.Counters (drivers.Counters) reports the same counts, plus the
// delayed messages scheduled, for the run's summary.
//
// # Concurrency and lifetime
//
// The Driver's methods are safe for concurrent use. A Producer's sending
// methods are used by one goroutine at a time; the caller closes producers,
// then consumers, then the driver. A consumer's Close waits for its running
// Handler call and must not be called from that Handler. Driver.Close
// appends every held message and fails later sends with
// drivers.Fail(ErrClosed); consumers still open keep delivering.
package memory
