// Package rabbitmq starts a real RabbitMQ cluster of N nodes on this
// machine from the installed Debian package (rabbitmq-server 3.10.x,
// Erlang 25): the "rabbitmq-local" cluster backend.
//
// # Layout and processes
//
// Everything lives under one cluster directory: compose.Env.Dir when set
// (a "rabbitmq-local" directory is created inside it), else a fresh temp
// directory. It holds home/ (HOME of every node and CLI call, with a random
// Erlang cookie), enabled_plugins (holding "[]."), and one directory per
// node (rabbit1, rabbit2, ...) with rabbitmq.conf, mnesia/ (the node's
// data: Node.DataDir), log/, the pid file and the start script's output.
//
// The cluster runs its own epmd on a private port (ERL_EPMD_PORT), bound to
// 127.0.0.1, so its node names (rabbitN@localhost) never collide with
// another cluster or a system RabbitMQ on the same machine; nodes and CLI
// calls are started with -start_epmd false so no stray epmd daemon appears.
// Each node is /usr/lib/rabbitmq/bin/rabbitmq-server (a shell script that
// runs the Erlang VM, beam.smp, as its child); the node's pid file holds the
// beam pid, which is what Kill, Pause and Resume signal. AMQP listens on
// 127.0.0.1 only, Erlang distribution too (inet_dist_use_interface).
// rabbitmq.conf sets loopback_users = none (so guest works over any
// address) and net_ticktime.
//
// A small watchdog process (/bin/sh) holds the pids of the cluster's
// processes and SIGKILLs them if the Go process dies without calling Close
// (a test binary killed by its -timeout, say): it notices by its stdin
// reaching EOF.
//
// # Start
//
// Start picks free loopback ports (or base_port + i for AMQP, base_port +
// 100 + i for distribution, base_port + 200 for epmd), starts epmd, starts
// all nodes in parallel, waits for each with `rabbitmqctl wait <pidfile>`
// (bounded), then joins nodes 2..N to node 1 one at a time (stop_app,
// join_cluster rabbit1@localhost, start_app). Endpoints are
// amqp://guest:guest@127.0.0.1:PORT/ in node order. On this 2-core machine
// a node starts in about 5 s and joins in about 2 s.
//
// # Node control
//
// The cluster implements compose.NodeController and compose.LeaderFinder.
// Node names are "rabbit1".."rabbitN" ("rabbit1@localhost" is accepted
// too). Kill sends SIGKILL to the beam, reaps the start script and SIGKILLs
// any helper process of the node still alive (erl_child_setup,
// inet_gethost). Pause and Resume send SIGSTOP and SIGCONT to the beam.
// Stop resumes a paused node, sends SIGTERM (RabbitMQ's graceful shutdown)
// and waits up to StopTimeout before killing. Start starts a stopped or
// killed node with the same name, ports and data and waits until it is
// running and clustered again. Operations on one node are serialized; on
// different nodes they may run concurrently. Every CLI call has a timeout:
// a CLI call that involves a paused node hangs until then.
//
// Leader asks the first responsive node (`rabbitmqctl list_queues name type
// leader pid`, vhost "/") which node hosts a queue's leader (quorum and
// stream queues) or the queue itself (classic queues).
//
// # Nodes in network namespaces (netns: true)
//
// With netns each node runs in a network namespace of its own
// (compose/netns: a bridge namespace, one veth per node, the host joined
// through one more veth), with its own address on a free /24 of
// 10.213.0.0/16 and RabbitMQ's default ports there (AMQP 5672,
// distribution 25672, epmd 4369: one epmd per namespace). Node names are
// rabbitN@nN; the host names nN resolve through an Erlang inetrc file in
// the cluster directory (ERL_INETRC), so /etc/hosts is never touched. CLI
// calls run inside the target node's namespace. Endpoints are the nodes'
// own addresses; clients on the host reach every node whatever the
// partition, since the drop rules match node addresses only. The cluster
// then implements compose.Partitioner; the namespaces, the host link and
// every rule are journaled through compose.Env.Journal, and the watchdog
// deletes the namespaces too if this process dies. partition_handling
// sets cluster_partition_handling (ignore, pause_minority, autoheal);
// net_ticktime decides how soon a cut is noticed (a partition shorter than
// it is never seen by the cluster layer).
//
// # Close
//
// Close stops every node (SIGTERM, then SIGKILL after a grace period) and
// epmd by pid, reaps them, stops the watchdog and removes the cluster
// directory unless keep_dirs is set. It is idempotent and safe to call
// concurrently with other methods, which fail afterwards.
package rabbitmq
