// Package rmqtest is an in-process RocketMQ-protocol TEST BROKER: a name
// server and N brokers listening on 127.0.0.1 random ports, speaking enough
// of RocketMQ's remoting protocol (length-prefixed frames, JSON header with a
// request code, binary body) for github.com/apache/rocketmq-client-go/v2
// v2.1.2 producers and push consumers to run against it end to end.
//
// It is a TEST DOUBLE, not Apache RocketMQ: there is no commit log on disk,
// no replication, no flush, only short long polling (a pull waits up to
// Config.PullWait for a new message), one shortened delay for every delay
// level and for retries (Config.RetryDelay), and no transaction check-back. It exists so CI exercises the brokerbench rocketmq driver; its
// numbers mean nothing and must never be reported as RocketMQ's.
//
// Covered request codes: name server 105 (route by topic); broker 10 (send,
// used by sync, async and oneway sends), 320 (batch send), 17 (create
// topic), 34 (heartbeat), 35 (unregister client), 11 (pull), 14/15 (query
// and update consumer offset), 29/30/31 (offset by timestamp, max, min
// offset), 38 (consumer list by group), 36 (consumer send-back to the retry
// topic, or the dead-letter topic after max reconsume times), 41/42 (queue
// lock and unlock: always granted), 37 (end transaction: commit makes the
// half message visible, rollback drops it). Cluster.StopBroker closes one
// broker's listener and connections for failover tests; the name server
// keeps routing to it, like a real name server before its broker timeout.
// RestartBroker brings it back on its address with its data; PauseBroker
// and ResumeBroker hold and release its requests (restart.go).
package rmqtest
