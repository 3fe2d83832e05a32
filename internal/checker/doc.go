// Package checker reads the op logs of a run (internal/oplog) after the run
// and turns them into verdicts: lost, unseen, recovered, aborted_read,
// unexpected, duplicate, redelivered and reorder (see DESIGN.md, "Outcomes
// and anomalies", and the doc of each Check name constant).
//
// The checker is built to scale to 100 M messages: per producer it keeps one
// packed nibble per sequence number (outcome, delivered, ack failed), and
// sparse structures only for anomalies and for messages in flight. It makes
// two passes over the send logs (outcomes first, then acks merged in time
// order with the deliveries) and one over the delivery logs, plus a short
// third pass over the send logs of producers with lost or unseen messages to
// fill in examples.
//
// Events are ordered by time (ns on the run's single monotonic clock). At
// equal times ack events come before deliveries, producers and consumers in
// the order they were added (CheckDir: by id), and the records of one file
// keep their file order. "First delivery", "already delivered" and
// "preceded by an ack failure" all refer to that order.
//
// The consumers of a run are by default one group sharing the messages:
// their deliveries are merged, and a message delivered to two consumers is
// delivered twice. With Options.Broadcast (broadcasting consumers, e.g.
// RocketMQ's broadcasting model) each consumer is a subscriber of its own:
// every check runs on its deliveries alone, one consumer after another,
// and the results are combined (see Check and Result.Subscribers).
package checker
