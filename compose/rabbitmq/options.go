package rabbitmq

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/brokerbench/brokerbench/drivers"
)

// DefaultServer is the rabbitmq-server start script of the Debian package.
// Its sibling rabbitmqctl (same directory) is the CLI the cluster uses; the
// one in /usr/sbin switches user and cookie and must not be used.
const DefaultServer = "/usr/lib/rabbitmq/bin/rabbitmq-server"

// Options are the scenario options of the rabbitmq-local backend
// (cluster.options). Start from DefaultOptions (or Factory.Options).
type Options struct {
	// BasePort, when non-zero, fixes the ports: node i (0-based) listens
	// for AMQP on BasePort+i and for Erlang distribution on BasePort+100+i;
	// epmd uses BasePort+200. 0 (the default) picks free loopback ports.
	BasePort int `yaml:"base_port"`
	// NetTicktime is Erlang's net_ticktime in seconds (default 60): how
	// long a silent peer takes to be declared down. Network partitions
	// shorter than this are never noticed by the cluster layer.
	NetTicktime int `yaml:"net_ticktime"`
	// Server is the path of the rabbitmq-server start script (default
	// DefaultServer); rabbitmqctl is taken from the same directory.
	Server string `yaml:"server"`
	// KeepDirs keeps the cluster directory (data and logs) after Close.
	KeepDirs bool `yaml:"keep_dirs"`
	// NetNS puts every node in a network namespace of its own, with an
	// address on a private subnet (compose/netns), so that network faults
	// (isolate, partition, ...) can cut traffic between nodes. Needs root,
	// iproute2 and iptables. Ports are then RabbitMQ's defaults on each
	// node's address (AMQP 5672, distribution 25672, epmd 4369) and
	// BasePort must be 0.
	NetNS bool `yaml:"netns"`
	// PartitionHandling is RabbitMQ's cluster_partition_handling:
	// "ignore" (RabbitMQ's default), "pause_minority" or "autoheal".
	PartitionHandling string `yaml:"partition_handling"`
}

// PartitionHandlings lists the allowed partition_handling values.
var PartitionHandlings = []string{"ignore", "pause_minority", "autoheal"}

// DefaultOptions returns the defaults: free ports, net_ticktime 60, the
// Debian package's start script, directories removed on Close.
func DefaultOptions() *Options {
	return &Options{NetTicktime: 60, Server: DefaultServer, PartitionHandling: "ignore"}
}

var _ drivers.Options = (*Options)(nil)

// Validate checks the options and returns every problem, with the option
// names below cluster.options.
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	if o.BasePort != 0 && (o.BasePort < 1024 || o.BasePort > 65535-300) {
		bad("base_port", "must be 0 (free ports) or in [1024, %d], got %d", 65535-300, o.BasePort)
	}
	if o.NetTicktime < 1 || o.NetTicktime > 3600 {
		bad("net_ticktime", "must be in [1, 3600] seconds, got %d", o.NetTicktime)
	}
	if !slices.Contains(PartitionHandlings, o.PartitionHandling) {
		bad("partition_handling", "unknown value %q (allowed: %s)", o.PartitionHandling, strings.Join(PartitionHandlings, ", "))
	}
	if o.NetNS && o.BasePort != 0 {
		bad("base_port", "must be 0 with netns: true (each node then uses RabbitMQ's default ports on its own address), got %d", o.BasePort)
	}
	if o.Server == "" {
		bad("server", "must not be empty (default %s)", DefaultServer)
	} else if !filepath.IsAbs(o.Server) {
		bad("server", "must be an absolute path, got %q", o.Server)
	}
	return errs
}

// ctlPath is the rabbitmqctl next to the server script.
func (o *Options) ctlPath() string { return filepath.Join(filepath.Dir(o.Server), "rabbitmqctl") }
