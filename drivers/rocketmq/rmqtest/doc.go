// Package rmqtest is an in-process RocketMQ-protocol TEST BROKER: a name
// server and N brokers listening on 127.0.0.1 random ports, speaking enough
// of RocketMQ's remoting protocol (length-prefixed frames, JSON header with a
// request code, binary body) for github.com/apache/rocketmq-client-go/v2
// v2.1.2 producers and push consumers to run against it end to end.
//
// It is a TEST DOUBLE, not Apache RocketMQ: there is no commit log on disk,
// no replication, no flush, only short long polling (a pull waits up to
// Config.PullWait for a new message) and one shortened delay for retries
// (Config.RetryDelay). It exists so CI exercises the brokerbench rocketmq
// driver; its numbers mean nothing and must never be reported as
// RocketMQ's.
//
// Delayed messages (a DELAY property, level n) are parked in
// SCHEDULE_TOPIC_XXXX queue n-1 with REAL_TOPIC and REAL_QID, and moved to
// their real queue as new messages (DELAY removed, as RocketMQ does) once
// Config.DelayLevels[n-1] has passed since they were stored; the table
// defaults to RocketMQ's 18 levels and tests shorten it
// (ScaledDelayLevels). Transaction half messages (sysFlag prepared) are
// parked in RMQ_SYS_TRANS_HALF_TOPIC; END_TRANSACTION (37) commits (moves
// to the real queue as a new message) or rolls back; a half message left
// unresolved for Config.TxCheckInterval is checked back with
// CHECK_TRANSACTION_STATE (39) sent to a connection of its producer group
// (from the producers' heartbeats), again every interval, and discarded
// after Config.TxCheckMax checks. Broker.TxStats counts all of it.
//
// Covered request codes: name server 105 (route by topic); broker 10 (send,
// used by sync, async and oneway sends), 320 (batch send), 17 (create
// topic), 34 (heartbeat), 35 (unregister client), 11 (pull), 14/15 (query
// and update consumer offset), 29/30/31 (offset by timestamp, max, min
// offset), 38 (consumer list by group), 36 (consumer send-back to the retry
// topic, or the dead-letter topic after max reconsume times), 41/42 (queue
// lock and unlock: always granted), 37 (end transaction, also as the
// answer to a check-back); sent to clients: 39 (check transaction state),
// 40 (consumer ids changed). Cluster.StopBroker closes one
// broker's listener and connections for failover tests; the name server
// keeps routing to it, like a real name server before its broker timeout.
// RestartBroker brings it back on its address with its data; PauseBroker
// and ResumeBroker hold and release its requests (restart.go).
package rmqtest
