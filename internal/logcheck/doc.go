// Package logcheck finds the log anomalies of partitioned logs (Kafka
// topics, streams) in a run's consumer op logs (oplog.DeliveryPaths):
//
//   - offset_two_values: two different messages (producer, seq) were
//     delivered at the same (partition, offset). Counted once per offset.
//   - value_two_offsets: one message was delivered at two different
//     (partition, offset) places: the broker stored it twice, e.g. a
//     producer retry of a write that had succeeded. Counted once per
//     message; detail "same_partition" or "other_partition".
//   - poll_skip: within one consumer's consecutive deliveries of a
//     partition the offset jumped by more than one, and some skipped
//     offset was never delivered to any consumer. Counted once per jump;
//     detail "in_rebalance" or "outside_rebalance" by whether a
//     rebalance window overlaps the jump (informational: a skip is an
//     anomaly either way).
//   - non_monotonic: a consumer's offset for a partition did not increase
//     (went back, or repeated) between two consecutive deliveries of
//     that partition, with no rebalance window overlapping the interval
//     between them. Those inside a window are counted in the detail
//     "excused_by_rebalance" only and do not make the check invalid.
//
// Records of the unexpected kind (not ours, corrupt) take part in the
// position checks (poll_skip, non_monotonic) but not in the value checks;
// ack failures and records without a partition or offset are ignored.
// The op logs carry no topic: a run is assumed to read one topic.
//
// Offset gaps that a real Kafka broker leaves on purpose (transaction
// markers, compaction) would show as poll_skip; brokerbench's producers
// are not transactional and its topics are not compacted, and kfake, the
// in-process stand-in, makes no such gaps.
//
// Memory: two hash maps, one entry per distinct delivered (partition,
// offset) and one per distinct delivered message, about 80 bytes each
// (roughly 1.6 GB for 10 million messages); the per-consumer, per-partition
// state is a few words, and the jumps to resolve are kept until the end.
package logcheck
