package rabbitmq

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/netns"
)

// Ports every node uses on its own address when the cluster runs in
// network namespaces.
const (
	nsAMQPPort = 5672
	nsDistPort = 25672
	nsEpmdPort = 4369
)

var _ compose.Partitioner = (*Cluster)(nil)

// startNetwork puts the nodes in network namespaces (netns: true): it
// builds the network, tells the watchdog to remove it should this process
// die, gives every node its address and host name, and writes the inetrc
// through which Erlang resolves the host names.
func (c *Cluster) startNetwork(ctx context.Context, names []string) error {
	nw, err := netns.Create(ctx, names, c.journal)
	if err != nil {
		return err
	}
	c.net = nw
	for _, ns := range nw.Namespaces() {
		c.dog.undo("netns", ns)
	}
	var rc strings.Builder
	for i, name := range names {
		addr, _ := nw.Addr(name)
		fmt.Fprintf(&rc, "{host, {%s}, [\"n%d\"]}.\n", strings.ReplaceAll(addr, ".", ","), i+1)
	}
	rc.WriteString("{lookup, [file, native]}.\n")
	return os.WriteFile(c.inetrc(), []byte(rc.String()), 0o644)
}

// inetrc is the Erlang inetrc file of a cluster in namespaces.
func (c *Cluster) inetrc() string { return filepath.Join(c.dir, "erl_inetrc") }

// inNodeNS returns argv to run inside the namespace of the node whose
// Erlang name is erl (unchanged without netns).
func (c *Cluster) inNodeNS(erl string, argv []string) []string {
	if c.net == nil {
		return argv
	}
	for _, n := range c.nodes {
		if n.erl == erl {
			ns, err := c.net.NS(n.name)
			if err == nil {
				return netns.Command(ns, argv...)
			}
		}
	}
	return argv
}

// errNoNetns is returned by Drop on a cluster without namespaces.
var errNoNetns = errors.New("rabbitmq-local: network faults need cluster.options.netns: true")

// Drop makes the given nodes drop traffic from the given peers (see
// compose.Partitioner); client traffic is not affected.
func (c *Cluster) Drop(ctx context.Context, id string, drops []compose.Drop) error {
	if c.net == nil {
		return errNoNetns
	}
	return c.net.Drop(ctx, id, drops)
}

// Undrop removes the rules Drop added under id.
func (c *Cluster) Undrop(ctx context.Context, id string) error {
	if c.net == nil {
		return errNoNetns
	}
	return c.net.Undrop(ctx, id)
}

// Network is the cluster's node network, nil without netns.
func (c *Cluster) Network() *netns.Network { return c.net }
