// Package rocketmqtest is the "rocketmq-test" cluster backend: a RocketMQ
// name server and N brokers of brokerbench's own RocketMQ-protocol TEST
// DOUBLE (drivers/rocketmq/rmqtest), run inside brokerbench. It is NOT
// Apache RocketMQ: no commit log on disk, no replication, no flush, no
// broker registration or heartbeat timeout at the name server. Everything
// from it is labelled StandIn; a run on it shows what the rocketmq driver
// and rocketmq-client-go v2.1.2 do when a broker crashes, never RocketMQ's
// numbers. For a real cluster use the compose files in compose/rocketmq.
//
// # Nodes
//
// Node i is the broker named broker-a, broker-b, ... (the RocketMQ broker
// name clients see in routes; at most 26 brokers), each a master listening
// on a free 127.0.0.1 port. The name server is not a node and cannot be
// faulted. Endpoints is the name server's address.
//
//   - Kill and Stop crash the broker: its listener and every connection to
//     it close at once. The name server keeps routing to it (a real name
//     server forgets a broker only after its 120 s registration timeout),
//     so sends to its queues fail with "connection refused".
//   - Start brings it back on the same address with every topic, message
//     and consumer offset it stored (an rmqtest broker's store is in
//     memory and outlives the crash); the clients reconnect.
//   - Pause makes it stop answering while its connections stay open (as a
//     SIGSTOPped process); Resume answers every request that waited.
//
// Nodes have no PID: process faults by pid do not apply.
//
// # Topics
//
// The rocketmq driver creates topics in Setup on the brokers of its
// broker_addrs option (RocketMQ creates topics per broker), and those
// addresses are not known before the cluster starts. The cluster is
// therefore a compose.DriverConfigurer: for the rocketmq driver whose
// name_servers option is empty (so it uses this cluster), it fills
// broker_addrs with every broker's address (when empty) and stand_in
// (when empty). Setup then creates each destination with its partitions
// as the queue count on every broker, as against a real cluster. Topics
// listed in the backend's own topics option are created at start.
//
// The cluster is safe for concurrent use; node operations are
// serialised. Close stops every server and is idempotent.
package rocketmqtest
