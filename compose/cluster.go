// Package compose starts and stops the broker clusters a run talks to: an
// embedded emulator (kfake), local broker processes (RabbitMQ from the
// Debian package), docker compose files (later), or an existing cluster.
// A cluster knows its nodes (name, address, pid, data dir) and, where it
// can, acts on them (kill, pause, restart) and tells which node leads a
// partition or queue: that is what node faults are built on.
//
// Backends live in sub-packages (compose/kfake, compose/rabbitmq) and are
// listed in internal/registry.
package compose

import (
	"context"
	"errors"
	"log/slog"

	"github.com/brokerbench/brokerbench/drivers"
)

// Node is one broker node of a cluster.
type Node struct {
	Name    string `json:"name"`               // stable within the cluster, e.g. "kfake-1", "rabbit2"
	Addr    string `json:"addr"`               // client address host:port
	PID     int    `json:"pid,omitempty"`      // 0 when the node is not a local process (or not running)
	DataDir string `json:"data_dir,omitempty"` // where the node keeps its data, if local
}

// Cluster is a running broker cluster. Its methods are safe for
// concurrent use. The harness closes it after the driver.
type Cluster interface {
	// Info describes the cluster for results and reports (backend, nodes,
	// stand-in label).
	Info() Info
	// Nodes returns the current nodes (PIDs change across restarts).
	Nodes() []Node
	// Endpoints are the client addresses a driver connects to (bootstrap
	// servers, AMQP URLs).
	Endpoints() []string
	// Close tears down everything the cluster started: processes, data and
	// log directories it created. Idempotent.
	Close(ctx context.Context) error
}

// Info describes a cluster.
type Info struct {
	Backend string `json:"backend"`
	Version string `json:"version,omitempty"`
	// StandIn is non-empty when the cluster is not the real product.
	StandIn string `json:"stand_in,omitempty"`
	Nodes   []Node `json:"nodes"`
	// EndpointsOnly is true when clients reach the cluster only through
	// Endpoints (the nodes never advertise other addresses, as Kafka
	// metadata does), so a proxy in front of every Node.Addr carries all
	// client traffic: what cluster.proxy needs. RabbitMQ: yes; kfake: no.
	EndpointsOnly bool `json:"endpoints_only,omitempty"`
	// Proxied is true when the harness put a proxy in front of every node
	// (cluster.proxy) and the driver was handed the proxy addresses.
	Proxied bool `json:"proxied,omitempty"`
}

// NodeController is implemented by clusters whose nodes the harness can act
// on. node is a Node.Name. Every method is idempotent where it can be
// (killing a dead node is not an error).
type NodeController interface {
	Kill(ctx context.Context, node string) error   // SIGKILL
	Stop(ctx context.Context, node string) error   // graceful shutdown
	Pause(ctx context.Context, node string) error  // SIGSTOP
	Resume(ctx context.Context, node string) error // SIGCONT
	// Start starts a killed or stopped node again, with its data.
	Start(ctx context.Context, node string) error
}

// LeaderFinder is implemented by clusters that can tell which node leads a
// resource: "topic/partition" for Kafka-like clusters, a queue name for
// RabbitMQ.
type LeaderFinder interface {
	Leader(ctx context.Context, resource string) (node string, err error)
}

// LeaderMover is implemented by clusters that can move leadership (kfake's
// own hooks).
type LeaderMover interface {
	MoveLeader(ctx context.Context, resource, toNode string) error
}

// Partitioner is implemented by clusters whose nodes have network
// addresses of their own (network namespaces), so that traffic between
// two nodes can be dropped without touching client traffic.
type Partitioner interface {
	// Drop makes each Drop take effect; id names the set so that Undrop
	// removes exactly those rules. Either all take effect or none.
	Drop(ctx context.Context, id string, drops []Drop) error
	// Undrop removes the rules of id. Undropping an unknown id does
	// nothing.
	Undrop(ctx context.Context, id string) error
}

// Drop is one rule of a network fault: node To drops packets arriving from
// node From (node names), each with Probability (1 = all of them).
type Drop struct {
	To, From    string
	Probability float64
}

// DriverConfigurer is implemented by clusters whose driver needs more
// than Endpoints, e.g. the broker addresses a RocketMQ driver creates
// topics on. The harness calls DriverOptions once, before opening the
// driver, with the scenario's driver name and decoded options; it opens
// the driver with the result. Implementations return a changed copy (the
// scenario's options stay as written, and so does what the run stores as
// its effective scenario) or opts itself for drivers they do not know.
type DriverConfigurer interface {
	DriverOptions(driver string, opts drivers.Options) (drivers.Options, error)
}

// ErrUnsupported is returned (wrapped) by a backend asked for something it
// cannot do.
var ErrUnsupported = errors.ErrUnsupported

// Env is what the harness tells a backend when starting a cluster.
type Env struct {
	// Dir is a directory the cluster may use for data and logs (inside the
	// run directory); the cluster removes what it wants gone on Close.
	Dir    string
	Logger *slog.Logger
	// Self is the path of the running brokerbench binary, for backends
	// that run nodes as `brokerbench serve` processes.
	Self string
	// Journal, when not nil, records every change the cluster makes to
	// the machine outside Dir (namespaces, links, firewall rules).
	Journal Journal
}

// Factory makes a cluster backend known to the registry.
type Factory struct {
	Name    string
	Summary string
	// Options returns fresh options holding the defaults (decoded from the
	// scenario's cluster.options, validated with Validate).
	Options func() drivers.Options
	// Supports reports whether the backend, with opts (its decoded
	// options), can do node or network fault kind (scenarios fault
	// kinds; link faults depend only on Info.EndpointsOnly). The error
	// says why not and what would allow it. nil: every node kind its
	// NodeController offers, no network kinds — checked when the run
	// starts.
	Supports func(kind string, opts drivers.Options) error
	// Start starts (or connects to) a cluster of nodes nodes.
	Start func(ctx context.Context, nodes int, opts drivers.Options, env Env) (Cluster, error)
}
