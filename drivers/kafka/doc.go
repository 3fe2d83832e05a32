// Package kafka is the brokerbench driver for Apache Kafka and any
// Kafka-protocol cluster, built on github.com/segmentio/kafka-go
// (v0.4.51). Factory registers it as "kafka"; its options are *Options.
//
// # Send modes
//
// Every producer owns one kafka.Transport (its connections and cached
// metadata, refreshed every metadata_ttl, 500ms by default, so a leader
// change is noticed quickly) and one kafka.Writer per mode it is used in:
//
//   - sync (Send): one message per produce request — the Writer's
//     BatchSize is 1, so kafka-go's 1 s batch timeout never applies — and
//     Send returns once the broker answered, with acks all (default),
//     leader or none (option acks). With acks none an "ack" only means the
//     request was written to the connection, and its offset is -1.
//   - async (SendAsync): kafka-go's asynchronous Writer, which batches per
//     partition (batch_size messages, or linger) and keeps one batch in
//     flight per partition. Each message carries its own state through the
//     Writer (kafka.Message.WriterData), and the Writer's Completion, which
//     gets every batch with partitions and offsets set, calls each
//     message's done exactly once, from a kafka-go goroutine, in order per
//     partition. At most ProducerConfig.Window messages (default 1024) are
//     between SendAsync and their done; SendAsync blocks while the window
//     is full. Close flushes and returns after the last done.
//   - oneway (SendOneway): like sync, with acks none: it returns once the
//     request was written to the connection. The outcome is never known;
//     the harness records it as unknown.
//
// Sync and oneway copy key and payload into a pooled buffer, since they
// may return early (a cancelled ctx) while kafka-go still holds the
// message; async does not copy (done comes after kafka-go is finished
// with the bytes). Messages carry a timestamp (now), as kafka-go would
// otherwise send 0, which a real broker's time-based retention deletes.
//
// # Keys and order
//
// A keyed message goes to partition FNV-1a(key) mod partitions (kafka-go's
// Hash balancer); unkeyed messages go round-robin. Per-key order within a
// producer is what the checker holds this driver to: a sync send starts
// after the previous one was acked, and an async producer has at most one
// batch in flight per partition, retried in place, so a later batch never
// overtakes an earlier one — unless the earlier one finally failed.
//
// # Outcomes and errors
//
// A send's error is a definite failure (drivers.Fail, recorded "fail") only
// when the broker certainly did not write the message:
//
//   - it never reached a batch: the Writer is closed, the topic is not in
//     the metadata (unknown topic), the message is too large, no metadata
//     could be fetched, or (async) ctx ended before a window slot freed;
//   - or the batch's last attempt was refused before writing — a produce
//     error code from the set in definiteCodes (NOT_LEADER_OR_FOLLOWER,
//     UNKNOWN_TOPIC_OR_PARTITION, MESSAGE_TOO_LARGE, NOT_ENOUGH_REPLICAS,
//     authorization errors, ...), no route to a leader in the cached
//     metadata, or a connection that could not even be opened — and no
//     earlier attempt of that batch may have written it.
//
// Everything else leaves the outcome unknown (a plain error, recorded
// "info"): timeouts, a connection lost after the request was sent,
// REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS_AFTER_APPEND, unknown server
// errors, ctx cancelled while waiting (sync), and any error after an
// attempt with such an outcome (e.g. NOT_LEADER on the retry of a batch
// whose first attempt timed out). The driver learns each attempt's result
// by wrapping the producer's transport (attemptTracker). kafka-go retries a
// batch up to retries attempts (default 10) on retriable errors; retries
// are not idempotent, so a batch written by an attempt whose answer was
// lost is written again: a duplicate at a new offset, which the log
// checker reports as "one value at two offsets".
//
// # Topics
//
// Setup creates topics through the controller with the destination's
// partitions, topic.replication_factor (default min(3, brokers)) and the
// topic.config entries passed through (e.g. min.insync.replicas); an
// existing topic with the same partition count is fine.
//
// # Consumers
//
// Each consumer is a kafka-go Reader with a GroupID (consumer.group, else
// ConsumerConfig.Group); several consumers of one group share the
// partitions. NewConsumer returns once the consumer has its first
// assignment (bounded by 30 s and ctx), so the group has settled before
// producing starts. Deliveries carry partition and offset; Redelivered is
// always false (Kafka has no such flag). Ack commits the delivery's offset
// + 1 with CommitMessages — synchronously unless consumer.commit_interval
// is set — and, as Kafka commits positions, also commits whatever came
// before in that partition. An Ack fails with ErrRebalanced, without
// committing, when the consumer's group generation ended since the
// delivery was fetched: kafka-go would send the commit with the next
// generation, after that generation had read the committed offsets, so
// the message will be delivered again; reporting the ack as failed makes
// that redelivery an allowed one for the checker.
//
// Rebalances are recorded: the driver implements drivers.EventSource.
// Each consumer's group events (GroupEvent: opened, generation_end,
// joined, assigned, error, closed, taken from kafka-go's reader log) are
// all steps of a rebalance, so Events reports each as a drivers.Event of
// kind drivers.EventRebalance naming its step; GroupEvents lists them in
// structured form. The harness turns them into the windows
// (logcheck.RebalanceWindows) that excuse offsets going backwards in the
// log checks, which it runs because the driver is a drivers.LogDriver.
//
// # Info and stand-ins
//
// Info().Broker is "Apache Kafka", unless the cluster reports kfake's
// cluster id ("kfake"): then Broker is "kfake" and StandIn is
// KfakeStandIn. The broker_label option overrides Broker (e.g. for
// Redpanda).
//
// # Security
//
// tls (CA file, client certificate, insecure_skip_verify) and sasl
// (plain, scram-sha-256, scram-sha-512; SCRAM from franz-go's standard
// library implementation) options apply to producers, consumers and the
// admin client. The password is an option: Options is a
// drivers.Redactor, whose Redacted copy the harness writes into results
// and reports.
//
// # Concurrency and lifetime
//
// The Driver's methods are safe for concurrent use. A producer's send
// methods are used by one goroutine at a time; done callbacks run on
// kafka-go's goroutines and must not call back into the producer. The
// caller closes producers, then consumers, then the driver (which closes
// consumers still open). A consumer's Close waits for its running
// Handler call and must not be called from it.
package kafka
