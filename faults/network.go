package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/scenarios"
)

// grudge is what a network fault does: the Drop rules, the nodes it
// acts on, and a description of the split for the fault record.
type grudge struct {
	drops  []compose.Drop
	nodes  []string
	detail string
}

// networkGrudge works out the rules of network fault s on a cluster of
// nodes (names, in cluster order). targets are the resolved target nodes
// (isolate, one-way-drop, packet-loss); the cluster-wide kinds split the
// nodes with rng (seeded, so a replay splits the same way).
func networkGrudge(s scenarios.FaultSpec, nodes, targets []string, rng *rand.Rand) (grudge, error) {
	if min := scenarios.MinNodes(s.Kind); len(nodes) < min {
		return grudge{}, fmt.Errorf("a %s needs at least %d nodes, the cluster has %d", s.Kind, min, len(nodes))
	}
	rest := func(in []string) []string {
		var out []string
		for _, nd := range nodes {
			if !slices.Contains(in, nd) {
				out = append(out, nd)
			}
		}
		return out
	}
	switch s.Kind {
	case scenarios.FaultIsolate:
		others := rest(targets)
		return grudge{cut(targets, others, 1), targets, side(targets) + " | " + side(others)}, nil
	case scenarios.FaultOneWayDrop:
		others := rest(targets)
		var drops []compose.Drop
		for _, from := range targets {
			for _, to := range others {
				drops = append(drops, compose.Drop{To: to, From: from, Probability: 1})
			}
		}
		return grudge{drops, targets, side(targets) + " -> " + side(others) + " dropped"}, nil
	case scenarios.FaultPacketLoss:
		others := rest(targets)
		return grudge{cut(targets, others, s.Loss), targets, fmt.Sprintf("%s <-> %s lose %g", side(targets), side(others), s.Loss)}, nil
	case scenarios.FaultPartition:
		p := shuffled(nodes, rng)
		a, b := p[:len(p)/2], p[len(p)/2:]
		return grudge{cut(a, b, 1), nodes, side(a) + " | " + side(b)}, nil
	case scenarios.FaultBridge:
		p := shuffled(nodes, rng)
		a, bridge, b := p[:len(p)/2], p[len(p)/2], p[len(p)/2+1:]
		return grudge{cut(a, b, 1), nodes, side(a) + " | " + bridge + " (bridge) | " + side(b)}, nil
	case scenarios.FaultMajoritiesRing:
		return majoritiesRing(nodes, rng), nil
	}
	return grudge{}, fmt.Errorf("%s is not a network fault", s.Kind)
}

// cut drops traffic between every node of a and every node of b, both
// ways, with probability p.
func cut(a, b []string, p float64) []compose.Drop {
	var drops []compose.Drop
	for _, x := range a {
		for _, y := range b {
			drops = append(drops, compose.Drop{To: x, From: y, Probability: p}, compose.Drop{To: y, From: x, Probability: p})
		}
	}
	return drops
}

// majoritiesRing is Jepsen's majorities-ring: the nodes, shuffled into a
// ring; each window of a majority of consecutive nodes belongs to its
// middle node, which drops every node outside it. Every node sees a
// majority (itself included), no two nodes the same one.
func majoritiesRing(nodes []string, rng *rand.Rand) grudge {
	ring := shuffled(nodes, rng)
	n, m := len(ring), len(ring)/2+1
	var drops []compose.Drop
	var views []string
	for i := range n {
		window := make([]string, m)
		for k := range m {
			window[k] = ring[(i+k)%n]
		}
		mid := window[m/2]
		for _, other := range ring {
			if !slices.Contains(window, other) {
				drops = append(drops, compose.Drop{To: mid, From: other, Probability: 1})
			}
		}
		views = append(views, mid+" sees "+side(window))
	}
	return grudge{drops, nodes, "ring " + strings.Join(ring, "-") + ": " + strings.Join(views, "; ")}
}

func shuffled(nodes []string, rng *rand.Rand) []string {
	p := slices.Clone(nodes)
	rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	return p
}

func side(nodes []string) string { return "{" + strings.Join(nodes, ",") + "}" }

// applyNetwork starts network fault i on the resolved target nodes
// (comma-separated; "" for cluster-wide kinds) and returns the nodes it
// acts on and its description.
func (n *Nemesis) applyNetwork(ctx context.Context, i int, targets string) (string, string, error) {
	p, ok := n.cluster.(compose.Partitioner)
	if !ok {
		return "", "", fmt.Errorf("the %s cluster cannot cut traffic between its nodes", n.cluster.Info().Backend)
	}
	var names, tg []string
	for _, nd := range n.cluster.Nodes() {
		names = append(names, nd.Name)
	}
	if targets != "" {
		tg = strings.Split(targets, ",")
	}
	g, err := networkGrudge(n.schedule[i], names, tg, n.rng)
	if err != nil {
		return "", "", err
	}
	return strings.Join(g.nodes, ","), g.detail, p.Drop(ctx, linkID(i), g.drops)
}
