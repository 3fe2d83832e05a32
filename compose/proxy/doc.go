// Package proxy puts an in-process Toxiproxy (github.com/Shopify/toxiproxy/v2)
// in front of every node of a cluster, so link faults can act on the
// client ↔ broker links: one TCP proxy per node listening on
// 127.0.0.1:<free port> with the node's address as upstream, the driver
// handed endpoints rewritten to the proxy ports (Rewrite), and toxics
// (latency, bandwidth, timeout, reset-peer, slicer) added for a fault and
// removed — only those — when it heals.
//
// It works only for clusters whose clients use nothing but the endpoints
// they are given (compose.Info.EndpointsOnly: RabbitMQ). A Kafka-protocol
// cluster advertises its brokers' own addresses in metadata, so clients
// would bypass the proxy; Start refuses such a cluster.
//
// Journal: the proxies and their toxics live in the harness's process and
// change nothing on the machine, so nothing is journaled for them — a
// crashed harness takes its toxics with it (the client connections through
// the proxy die too), and `brokerbench heal` has nothing to undo.
package proxy
