// Package kfake starts an embedded Kafka-protocol cluster for a run:
// github.com/twmb/franz-go/pkg/kfake, a Kafka emulator. It is NOT Apache
// Kafka, and everything from it is labelled StandIn, "kfake
// (Kafka-protocol emulator, not Apache Kafka)": its replication is
// cosmetic (one store shared by all brokers, so a dead broker loses
// nothing), and its numbers must never be compared with a real broker's.
// Factory registers it as "kfake"; its options are *Options.
//
// Nodes are named "kfake-<id>" with kfake's node ids 0..N-1 (the ids
// clients see in metadata). The cluster implements compose.Cluster,
// NodeController, LeaderFinder ("topic/partition") and LeaderMover.
//
// # Crashing one broker
//
// kfake has membership hooks (RemoveNode, AddNode) but RemoveNode only
// closes the listener, and both re-elect every partition's leader at
// random. The emulator here makes a node crash look like one:
//
//   - kill: the node is removed, every connection it accepted is reset at
//     once (the cluster's listeners are made through kfake.ListenFn and
//     track their connections — this also covers idle and long-polling
//     connections, which a per-request Control hook would reach only at
//     their next request, and connections never come back to life after
//     a restart), and the leaders kfake moved off live nodes are moved
//     back: only the dead node's partitions change leader;
//   - start: the node is added back on its port, leaders are restored as
//     they were, so it leads nothing until leaders are moved (like a Kafka
//     broker before preferred-leader election).
//
// Limits: kfake's controller is fixed to the node with the highest id
// (kfake-<N-1>); once that node was killed, topic creation and deletion
// fail for the rest of the cluster's life (produce, fetch and groups are
// not affected) — create topics before killing it. Group coordinators are
// re-hashed over the live nodes, so a kill or restart may move a group's
// coordinator and make the group rebalance.
//
// # In-process (processes: false, the default)
//
// The whole cluster runs inside brokerbench. Nodes have no PID (0): Kill
// and Stop emulate a crash as above, Start restarts; Pause and Resume are
// unsupported (compose.ErrUnsupported).
//
// # Processes (processes: true)
//
// kfake keeps one cluster's state in one process (one event loop, one
// store; its data dir persists that whole state), so N processes cannot
// form one kfake cluster. Instead the cluster is N+1 processes of the
// brokerbench binary (compose.Env.Self), each in its own process group
// and killed with the parent (Pdeathsig):
//
//   - a core, `brokerbench serve kfake --control ...`, runs the kfake
//     cluster with a data dir, listening on internal ports but advertising
//     the nodes' client addresses in its metadata, and answers a line
//     protocol on stdin/stdout (leader, move, down, up; see control.go);
//   - one process per node, `brokerbench serve kfake-node`, listens on the
//     node's client port and forwards each connection to the core's
//     listener for that node.
//
// Node.PID is the node process: SIGKILL (Kill, or any process fault by
// pid) resets the node's connections and closes its port for real; the
// parent reaps it and tells the core to take the node out (kill above).
// SIGSTOP (Pause) makes its connections hang — the core is not told, as
// kfake has no session timeout, so the node keeps its partitions until
// resumed or killed. SIGTERM (Stop) closes its connections in an orderly
// way. Start runs a new node process on the same port and tells the core
// to add the node back. The node processes hold no data: Node.DataDir is
// the core's, shared by all nodes. The core's data dir would let the
// whole cluster restart from disk, but the cluster does not restart the
// core (CorePID tells where it is). Every process's command line holds the
// cluster's directory (inside compose.Env.Dir), which is what `brokerbench
// heal` matches a journaled pid against. Close stops every process (SIGTERM,
// then SIGKILL after a grace period), reaps them all and removes the
// cluster's directory.
package kfake
