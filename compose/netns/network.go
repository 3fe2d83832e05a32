package netns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/brokerbench/brokerbench/compose"
)

// Network is a private network of node namespaces (see the package doc).
// Its methods are safe for concurrent use. The creator closes it after
// stopping every process it started inside.
type Network struct {
	id      string // 6 hex digits; every name below starts with "bb"+id
	subnet  subnet
	names   []string // node names, in order
	journal compose.Journal

	mu     sync.Mutex
	made   []compose.Change            // namespaces and links, in creation order
	rules  map[string][]compose.Change // fault id → its rules
	closed bool
}

// maxNodes bounds a network's size (addresses .1 to .253 of a /24).
const maxNodes = 253

// Create builds a network with one namespace per node name. j may be nil.
// On error everything made so far is removed again.
func Create(ctx context.Context, nodes []string, j compose.Journal) (*Network, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	if len(nodes) < 1 || len(nodes) > maxNodes {
		return nil, fmt.Errorf("netns: need 1 to %d nodes, got %d", maxNodes, len(nodes))
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	n := &Network{id: hex.EncodeToString(b[:]), names: slices.Clone(nodes), journal: j, rules: map[string][]compose.Change{}}
	unlock, err := lockSubnets()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if n.subnet, err = freeSubnet(); err != nil {
		return nil, err
	}
	if err := n.build(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("netns: %w", err), n.Close(context.Background()))
	}
	return n, nil
}

// ID is the network's id; every namespace and link name starts with
// "bb"+ID.
func (n *Network) ID() string { return n.id }

// Prefix is what every name of this network starts with.
func (n *Network) Prefix() string { return "bb" + n.id }

func (n *Network) bridgeNS() string    { return n.Prefix() + "-br" }
func (n *Network) hostLink() string    { return n.Prefix() + "-h" }
func (n *Network) nodeNS(i int) string { return fmt.Sprintf("%s-%d", n.Prefix(), i+1) }

// index returns the position of a node name.
func (n *Network) index(node string) (int, error) {
	if i := slices.Index(n.names, node); i >= 0 {
		return i, nil
	}
	return 0, fmt.Errorf("netns: no node %q in the network (nodes: %v)", node, n.names)
}

// NS returns the namespace of a node.
func (n *Network) NS(node string) (string, error) {
	i, err := n.index(node)
	if err != nil {
		return "", err
	}
	return n.nodeNS(i), nil
}

// Addr returns a node's IPv4 address.
func (n *Network) Addr(node string) (string, error) {
	i, err := n.index(node)
	if err != nil {
		return "", err
	}
	return n.subnet.host(i + 1), nil
}

// HostAddr is the host's address on the network (what nodes see client
// connections come from).
func (n *Network) HostAddr() string { return n.subnet.host(254) }

// Subnet is the network's subnet in CIDR notation.
func (n *Network) Subnet() string { return n.subnet.String() }

// Namespaces lists every namespace of the network (nodes, then bridge).
func (n *Network) Namespaces() []string {
	out := make([]string, 0, len(n.names)+1)
	for i := range n.names {
		out = append(out, n.nodeNS(i))
	}
	return append(out, n.bridgeNS())
}

// build creates the bridge namespace, the node namespaces and the host
// link. Each is journaled before it is made.
func (n *Network) build(ctx context.Context) error {
	br := n.bridgeNS()
	if err := n.makeNS(ctx, br); err != nil {
		return err
	}
	if err := runAll(ctx, [][]string{
		{"-n", br, "link", "add", "br0", "type", "bridge"},
		{"-n", br, "link", "set", "br0", "up"},
	}); err != nil {
		return err
	}
	for i := range n.names {
		ns := n.nodeNS(i)
		if err := n.makeNS(ctx, ns); err != nil {
			return err
		}
		v := fmt.Sprintf("v%d", i+1)
		if err := runAll(ctx, [][]string{
			{"-n", br, "link", "add", v, "type", "veth", "peer", "name", "eth0", "netns", ns},
			{"-n", br, "link", "set", v, "master", "br0", "up"},
			{"-n", ns, "addr", "add", n.subnet.host(i+1) + "/24", "dev", "eth0"},
			{"-n", ns, "link", "set", "eth0", "up"},
		}); err != nil {
			return err
		}
	}
	return n.makeHostLink(ctx)
}

// makeNS creates namespace ns (journaled first) with its loopback up.
func (n *Network) makeNS(ctx context.Context, ns string) error {
	c := compose.Change{Kind: compose.ChangeNetns, Name: ns}
	if err := n.record(c); err != nil {
		return err
	}
	if err := ip(ctx, "netns", "add", ns); err != nil {
		return err
	}
	n.mu.Lock()
	n.made = append(n.made, c)
	n.mu.Unlock()
	return ip(ctx, "-n", ns, "link", "set", "lo", "up")
}

// makeHostLink joins the host to the bridge.
func (n *Network) makeHostLink(ctx context.Context) error {
	h, br := n.hostLink(), n.bridgeNS()
	c := compose.Change{Kind: compose.ChangeLink, Name: h}
	if err := n.record(c); err != nil {
		return err
	}
	if err := ip(ctx, "link", "add", h, "type", "veth", "peer", "name", "vh", "netns", br); err != nil {
		return err
	}
	n.mu.Lock()
	n.made = append(n.made, c)
	n.mu.Unlock()
	return runAll(ctx, [][]string{
		{"-n", br, "link", "set", "vh", "master", "br0", "up"},
		{"addr", "add", n.subnet.host(254) + "/24", "dev", h},
		{"link", "set", h, "up"},
	})
}

func runAll(ctx context.Context, cmds [][]string) error {
	for _, c := range cmds {
		if err := ip(ctx, c...); err != nil {
			return err
		}
	}
	return nil
}

func (n *Network) record(c compose.Change) error {
	if n.journal == nil {
		return nil
	}
	if err := n.journal.Made(c); err != nil {
		return fmt.Errorf("journaling %s %s: %w", c.Kind, c.Name, err)
	}
	return nil
}

func (n *Network) recordUndone(c compose.Change) {
	if n.journal != nil {
		_ = n.journal.Undone(c)
	}
}

// Close removes every rule, the host link and every namespace (killing
// any process still inside one), in reverse order of creation. Idempotent.
func (n *Network) Close(ctx context.Context) error {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return nil
	}
	n.closed = true
	var rules []compose.Change
	for _, rs := range n.rules {
		rules = append(rules, rs...)
	}
	made := n.made
	n.rules, n.made = nil, nil
	n.mu.Unlock()
	var errs []error
	for _, c := range append(rules, reversed(made)...) {
		if err := Undo(ctx, c); err != nil {
			errs = append(errs, err)
			continue
		}
		n.recordUndone(c)
	}
	return errors.Join(errs...)
}

func reversed(cs []compose.Change) []compose.Change {
	out := slices.Clone(cs)
	slices.Reverse(out)
	return out
}
