// Package netns builds a private network for the nodes of a local cluster
// out of Linux network namespaces, so that network faults can cut or
// degrade the traffic between two nodes without touching anything else on
// the machine.
//
// # Topology
//
// One namespace holds a bridge; every node gets a namespace of its own with
// one interface (eth0) on a /24 of 10.213.0.0/16 chosen free at creation,
// joined to the bridge by a veth pair; the host joins the bridge through
// one more veth pair (its end, named bb<id>-h, carries the subnet's .254).
// Node i (0-based) has address .i+1. Clients on the host reach every node
// at its address; nodes reach each other over the bridge. Nothing is
// routed beyond the subnet, and the host's own firewall is never touched.
//
// # Faults
//
// A network fault is a set of Drop rules: iptables rules in the INPUT
// chain of the receiving node's namespace, matching the sender's address
// (and, for packet loss, the statistic module), each tagged with a comment
// naming the fault. Healing deletes exactly those rules (iptables -D with
// the same arguments); the namespaces hold no other rules. Client traffic
// (from the host's address) is never matched: a partition separates nodes
// from each other, not from their clients, as in Jepsen.
//
// # Journal and heal
//
// Every namespace, host link and rule is reported to a compose.Journal
// before it is made and after it is undone. Undo undoes one journaled
// change and tolerates changes that are already gone, which is what
// `brokerbench heal` runs after a crash. Close removes everything.
//
// Requires root (CAP_NET_ADMIN), iproute2 (`ip`) and Debian's iptables
// (nf_tables backend); tc netem is not needed (and does not exist on the
// CI kernel).
package netns
