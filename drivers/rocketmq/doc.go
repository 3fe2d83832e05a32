// Package rocketmq is the brokerbench driver for Apache RocketMQ, through
// github.com/apache/rocketmq-client-go/v2 pinned at v2.1.2 (issue 6:
// plain, ordered and keyed messages, batch sends, consume retries and
// dead-letter reading; delayed and transactional kinds are not done yet).
//
// # Send modes
//
//   - sync: SendSync; the ack carries the queue and queue offset.
//   - async: SendAsync, at most ProducerConfig.Window in flight. done is
//     called exactly once per message: v2.1.2 can fail a send by return
//     value without calling the callback, can call the callback on its
//     error path and then panic internally (recovered by the client), and
//     uses a fixed 3s timeout; a once guard per message covers all of it,
//     and a send with no callback after send_timeout+2s is reported with
//     an unknown outcome. Close waits for every done.
//   - oneway: SendOneWay; the outcome is never known. Close waits 200ms
//     after the last oneway send before closing connections (the broker
//     answers every send; closing with unread answers resets the
//     connection and drops requests the broker had not read).
//
// Errors that prove nothing was written (no route, connection refused, a
// broker's error response) are drivers.Fail; see classify for the caveat
// with retries.
//
// # Partitions and keys
//
// With ordered: true the producer uses the client's hash queue selector on
// the message key (sent as sharding key and message key), so a key always
// maps to one queue, and a send to a dead broker's queue fails instead of
// moving the key elsewhere. The harness partition of queue q on the n-th
// broker name the driver saw is n*QueueStride+q (with one broker: q);
// deliveries use the same mapping. Deliveries read from a retry topic
// have partition and offset -1.
//
// # Consumers
//
// Push consumers, clustering or broadcasting, concurrent or orderly, from
// the first offset for a new group, one message per callback and one
// consume goroutine per topic (so a queue's messages reach the Handler in
// offset order). A delivery not acked by the time the Handler returns is
// given back (ConsumeRetryLater: via the group's retry topic, redelivered
// with Redelivered set; orderly: retried locally). NewConsumer waits
// consumer.settle (300ms) so a group's asynchronous rebalance settles
// before sends start; otherwise a queue can be read by two members for a
// moment (duplicates RocketMQ permits).
//
// # Batch sends (kind batch)
//
// A producer of kind batch (drivers.KindBatch) groups its messages into
// batches of batch.size (default 16) and sends each with one SendAsync or
// SendOneWay call; a batch that does not fill is sent batch.linger
// (default 5ms) after its first message, and Close sends what is left.
// One open batch per topic and send mode, and with ordered: true per
// message key: client v2.1.2 wraps a batch in a message without sharding
// key, so the driver's queue selector hashes the batch's key itself, and
// a keyed batch lands on the queue single sends of that key use. Async:
// every message's done is called exactly once, with the batch's outcome
// (all fail or are unknown together) and its own offset (the batch's
// first queue offset + its index). Oneway: an error of the batch call
// cannot reach the SendOneway calls that already returned (their outcome
// stays unknown); it is counted (batch_oneway_failures). Sync is refused
// by NewProducer with errors.ErrUnsupported: a sync send would wait for a
// batch that fills only from the same producer's later sends. Each
// message's window slot is held from SendAsync to its done.
//
// # Consume retries and dead letters
//
// consumer.retry_fraction (0..1, default 0) makes the consumer answer
// ConsumeRetryLater for that fraction of first deliveries although the
// Handler saw and acked them, so the harness counts the delivery and the
// broker redelivers it from %RETRY%<group> with reconsume times > 0,
// which sets Delivery.Redelivered (an allowed redelivery for the
// checker). Messages are picked by a hash of drivers.Env.Seed and the
// envelope's producer, key and sequence number (the same messages in
// every run with one seed). consumer.retry_exhaust fails every delivery of
// the picked messages, so after consumer.max_reconsume_times (default 16)
// redeliveries the broker moves them to %DLQ%<group>. With
// consumer.read_dlq (default true, clustering only) each consumer also
// reads that topic and hands its messages to the Handler with Redelivered
// set (partition and offset -1), so a dead letter is not counted lost;
// NewConsumer creates the topic (one queue, perm 6: RocketMQ 4.x brokers
// create it write-only) on every broker of broker_addrs, and without
// broker_addrs fails with a clear error unless it exists. Orderly
// consumers retry locally (SuspendCurrentQueueAMoment) and send a message
// to the DLQ after max_reconsume_times local retries. Broadcasting
// consumers refuse retry_fraction > 0: they drop a message they ask to
// retry.
//
// # Broadcasting
//
// With consumer.model broadcasting every consumer of a group gets every
// message (tested with two). Client v2.1.2 keeps broadcasting offsets in
// <dir>/<group>/<client ip>@<instance>/offset.json, dir being the
// environment variable rocketmq.client.localOffsetStoreDir or
// $HOME/.rocketmq_client_go, read once at package init (tests cannot
// move it afterwards). Instance names are unique per process, so such a
// file is never read again: each consumer removes its own directory on
// Close. The harness's checker merges the deliveries of all consumers, so
// with more than one broadcasting consumer it counts every further copy
// as a duplicate.
//
// # Counters
//
// Driver.Counters (drivers.Counters) reports batches_sent, batch_messages,
// batch_oneway_failures, consume_retry_later (messages answered
// ConsumeRetryLater, picked or unacked) and dlq_messages (deliveries read
// from the dead-letter topic).
//
// # Known client problems (v2.1.2)
//
//   - Goroutines: each closed producer+consumer pair leaves about 27
//     goroutines running (route/heartbeat/offset tickers, stats and
//     connection readers the client never stops; measured by
//     TestGoroutinesAfterClose). They cannot be stopped from outside.
//   - Data race: pushConsumer.messageQueueChanged writes
//     SubscriptionData.SubVersion while rmqClient.UpdateTopicRouteInfo
//     reads it, on every consumer start; under -race the tests therefore
//     skip push consumers (the conformance suite runs producer-side only).
//   - Logging: rlog is set to "error" once, process-wide.
//   - Broadcasting keeps offsets in local files (see Broadcasting below).
//
// # Tests and scenarios
//
// The tests run against rmqtest, an in-process RocketMQ-protocol TEST
// DOUBLE (Info.StandIn says so); its numbers are meaningless. The
// bundled scenario rocketmq-modes needs a real RocketMQ that the user
// runs; CI only checks that it loads.
package rocketmq
