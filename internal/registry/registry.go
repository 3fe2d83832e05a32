// Package registry is the one list of what this build knows: drivers (and,
// as later issues add them, fault kinds and cluster platforms). A duplicate
// name is a programming error and fails at start-up (and in its test).
package registry

import (
	"fmt"
	"sort"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/kfake"
	rabbitlocal "github.com/brokerbench/brokerbench/compose/rabbitmq"
	"github.com/brokerbench/brokerbench/compose/rocketmqtest"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
	"github.com/brokerbench/brokerbench/drivers/memory"
	"github.com/brokerbench/brokerbench/drivers/null"
	"github.com/brokerbench/brokerbench/drivers/rabbitmq"
	"github.com/brokerbench/brokerbench/drivers/rocketmq"
	"github.com/brokerbench/brokerbench/scenarios"
)

// driverFactories is every driver of this build.
var driverFactories = []drivers.Factory{
	memory.Factory,
	null.Factory,
	rabbitmq.Factory,
	kafka.Factory,
	rocketmq.Factory,
}

// clusterFactories is every cluster backend of this build.
var clusterFactories = []compose.Factory{
	rabbitlocal.Factory,
	kfake.Factory,
	rocketmqtest.Factory,
}

// FaultKind describes a fault kind for `brokerbench list`.
type FaultKind struct{ Name, Summary string }

// faultKinds is every fault kind of this build (scenarios.FaultKinds are
// the names a scenario may use; this table says what each does). The
// memory driver's injections (drop, duplicate, redeliver, reorder,
// corrupt, stall) are driver options, not fault kinds. Node kinds act on
// one node or on a group (target minority, majority, all-but-one: each
// node faulted and healed); any kind may repeat (every, every_jitter) or
// be drawn by the random nemesis section.
var faultKinds = []FaultKind{
	{scenarios.FaultKill, "SIGKILL a node (or each node of a group target); healed by starting it again"},
	{scenarios.FaultStop, "stop a node (or each node of a group target) gracefully; healed by starting it again"},
	{scenarios.FaultPause, "SIGSTOP a node (or each node of a group target); healed by SIGCONT"},
	{scenarios.FaultRestart, "kill a node (or each node of a group target) and start it again at once"},
	{scenarios.FaultLeaderMove, "move the leader of a partition or queue to another node (clusters that can); target must be {leader-of: ...}"},
	{scenarios.FaultIsolate, "cut the target node(s) off from the other nodes (iptables in the nodes' namespaces; clients unaffected); rabbitmq-local with netns: true"},
	{scenarios.FaultPartition, "split the cluster into two seeded random halves that cannot reach each other; no target; rabbitmq-local with netns: true"},
	{scenarios.FaultMajoritiesRing, "every node sees a majority, no two the same one (Jepsen); no target; >= 3 nodes; rabbitmq-local with netns: true"},
	{scenarios.FaultBridge, "two halves that reach each other only through one bridge node; no target; >= 3 nodes; rabbitmq-local with netns: true"},
	{scenarios.FaultOneWayDrop, "packets from the target node(s) to the others are dropped, the other way passes; rabbitmq-local with netns: true"},
	{scenarios.FaultPacketLoss, "drop a share (loss: 0..1) of the packets between the target node(s) and the others (iptables statistic); rabbitmq-local with netns: true"},
	{scenarios.FaultLatency, "delay a node's client link (latency ± jitter, direction); needs cluster.proxy; healed by removing the toxic"},
	{scenarios.FaultBandwidth, "limit a node's client link to rate_kbps KB/s; needs cluster.proxy"},
	{scenarios.FaultTimeout, "blackhole a node's client link: data stops, connections hang; needs cluster.proxy"},
	{scenarios.FaultResetPeer, "reset (TCP RST) connections on a node's client link when data flows; needs cluster.proxy"},
	{scenarios.FaultSlicer, "slice a node's client link data into ~64-byte TCP packets; needs cluster.proxy"},
}

// Registry resolves names to implementations; it satisfies
// scenarios.Registry.
type Registry struct {
	drivers  map[string]drivers.Factory
	clusters map[string]compose.Factory
}

// New builds the registry; it fails on a duplicate name.
func New() (*Registry, error) {
	return build(driverFactories, clusterFactories)
}

func build(fs []drivers.Factory, cs []compose.Factory) (*Registry, error) {
	r := &Registry{drivers: map[string]drivers.Factory{}, clusters: map[string]compose.Factory{}}
	for _, f := range fs {
		if _, dup := r.drivers[f.Name]; dup {
			return nil, fmt.Errorf("registry: driver %q registered twice", f.Name)
		}
		r.drivers[f.Name] = f
	}
	for _, c := range cs {
		if _, dup := r.clusters[c.Name]; dup {
			return nil, fmt.Errorf("registry: cluster backend %q registered twice", c.Name)
		}
		r.clusters[c.Name] = c
	}
	return r, nil
}

// Default is the registry of this build; it panics on a duplicate name,
// which the package test catches first.
func Default() *Registry {
	r, err := New()
	if err != nil {
		panic(err)
	}
	return r
}

// Driver returns the factory of a driver by name.
func (r *Registry) Driver(name string) (drivers.Factory, bool) {
	f, ok := r.drivers[name]
	return f, ok
}

// DriverNames lists the driver names, sorted.
func (r *Registry) DriverNames() []string {
	out := make([]string, 0, len(r.drivers))
	for n := range r.drivers {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Drivers lists the factories, sorted by name.
func (r *Registry) Drivers() []drivers.Factory {
	out := make([]drivers.Factory, 0, len(r.drivers))
	for _, n := range r.DriverNames() {
		out = append(out, r.drivers[n])
	}
	return out
}

// FaultKinds lists the fault kinds of this build.
func (r *Registry) FaultKinds() []FaultKind { return append([]FaultKind(nil), faultKinds...) }

// Cluster returns the factory of a cluster backend by name.
func (r *Registry) Cluster(name string) (compose.Factory, bool) {
	f, ok := r.clusters[name]
	return f, ok
}

// ClusterNames lists the cluster backends, sorted.
func (r *Registry) ClusterNames() []string {
	out := make([]string, 0, len(r.clusters))
	for n := range r.clusters {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Clusters lists the cluster backends, sorted by name.
func (r *Registry) Clusters() []compose.Factory {
	out := make([]compose.Factory, 0, len(r.clusters))
	for _, n := range r.ClusterNames() {
		out = append(out, r.clusters[n])
	}
	return out
}
