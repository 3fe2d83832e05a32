package netns

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/brokerbench/brokerbench/compose"
)

// commentPrefix starts the comment of every rule this package writes.
const commentPrefix = "brokerbench:"

// ruleArgs is the iptables rule (after -A/-D) that makes a node drop what
// arrives from address from, with probability p.
func ruleArgs(id, from string, p float64) []string {
	args := []string{"INPUT", "-s", from + "/32"}
	if p < 1 {
		args = append(args, "-m", "statistic", "--mode", "random", "--probability", strconv.FormatFloat(p, 'f', -1, 64))
	}
	return append(args, "-m", "comment", "--comment", commentPrefix+id, "-j", "DROP")
}

// Drop adds the rules of drops under id: node d.To drops packets from node
// d.From with probability d.Probability (in (0, 1]). If one rule cannot be
// added, the rules added so far for this call are removed again.
func (n *Network) Drop(ctx context.Context, id string, drops []compose.Drop) error {
	var changes []compose.Change
	for _, d := range drops {
		if d.Probability <= 0 || d.Probability > 1 {
			return fmt.Errorf("netns: drop %s<-%s: probability must be in (0, 1], got %g", d.To, d.From, d.Probability)
		}
		ns, err := n.NS(d.To)
		if err != nil {
			return err
		}
		from, err := n.Addr(d.From)
		if err != nil {
			return err
		}
		changes = append(changes, compose.Change{Kind: compose.ChangeRule, NS: ns, Args: ruleArgs(id, from, d.Probability)})
	}
	n.mu.Lock()
	closed := n.closed
	n.mu.Unlock()
	if closed {
		return errors.New("netns: network closed")
	}
	for i, c := range changes {
		err := n.record(c)
		if err == nil {
			_, err = iptables(ctx, c.NS, append([]string{"-A"}, c.Args...)...)
		}
		if err != nil {
			n.undoRules(ctx, changes[:i+1])
			return fmt.Errorf("netns: %w", err)
		}
	}
	n.mu.Lock()
	n.rules[id] = append(n.rules[id], changes...)
	n.mu.Unlock()
	return nil
}

// Undrop removes the rules added under id.
func (n *Network) Undrop(ctx context.Context, id string) error {
	n.mu.Lock()
	rules := n.rules[id]
	delete(n.rules, id)
	n.mu.Unlock()
	return n.undoRules(ctx, rules)
}

// undoRules deletes rules (in reverse order), journaling each undone one.
func (n *Network) undoRules(ctx context.Context, rules []compose.Change) error {
	var errs []error
	for _, c := range reversed(rules) {
		if err := Undo(ctx, c); err != nil {
			errs = append(errs, err)
			continue
		}
		n.recordUndone(c)
	}
	return errors.Join(errs...)
}

// Rules returns the iptables rules (as `iptables -S` prints them) of a
// node's namespace, for tests and diagnostics.
func (n *Network) Rules(ctx context.Context, node string) (string, error) {
	ns, err := n.NS(node)
	if err != nil {
		return "", err
	}
	return iptables(ctx, ns, "-S")
}
