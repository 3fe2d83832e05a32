package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/Shopify/toxiproxy/v2/toxics"

	"github.com/brokerbench/brokerbench/scenarios"
)

// Slicer settings of a slicer fault: ~64-byte packets (± 32), 10 µs apart.
const (
	SlicerAverageSize   = 64
	SlicerSizeVariation = 32
	SlicerDelayMicros   = 10
)

// toxic is the Toxiproxy JSON of one toxic.
type toxic struct {
	Name       string         `json:"name"`
	Type       string         `json:"type"`
	Stream     string         `json:"stream"`
	Toxicity   float32        `json:"toxicity"`
	Attributes map[string]any `json:"attributes"`
}

// toxicOf returns the Toxiproxy type and attributes of a link fault.
// Latency and jitter have ms resolution.
func toxicOf(f scenarios.FaultSpec) (string, map[string]any, error) {
	switch f.Kind {
	case scenarios.FaultLatency:
		return "latency", map[string]any{"latency": f.Latency.Milliseconds(), "jitter": f.Jitter.Milliseconds()}, nil
	case scenarios.FaultBandwidth:
		return "bandwidth", map[string]any{"rate": f.RateKBps}, nil
	case scenarios.FaultTimeout:
		return "timeout", map[string]any{"timeout": 0}, nil // 0: hang until healed
	case scenarios.FaultResetPeer:
		return "reset_peer", map[string]any{"timeout": 0}, nil // reset when data next flows
	case scenarios.FaultSlicer:
		return "slicer", map[string]any{"average_size": SlicerAverageSize, "size_variation": SlicerSizeVariation,
			"delay": SlicerDelayMicros}, nil
	}
	return "", nil, fmt.Errorf("%q is not a link fault kind", f.Kind)
}

// Apply adds fault f's toxics, under the id (unique per fault, e.g.
// "fault-3"), to the links of nodes: one toxic per node and direction.
// On error the toxics it added are removed again.
func (p *Proxy) Apply(id string, nodes []string, f scenarios.FaultSpec) error {
	typ, attrs, err := toxicOf(f)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return errors.New("the proxy is closed")
	}
	if _, dup := p.added[id]; dup {
		return fmt.Errorf("fault %s is already applied", id)
	}
	var done []added
	for _, node := range nodes {
		tp, ok := p.links[node]
		if !ok {
			p.remove(done)
			return fmt.Errorf("no proxy for node %q (proxied: %s)", node, strings.Join(p.nodes, ", "))
		}
		for _, stream := range f.Streams() {
			t := toxic{Name: "brokerbench-" + id + "-" + stream, Type: typ, Stream: stream, Toxicity: 1, Attributes: attrs}
			b, _ := json.Marshal(t)
			if _, err := tp.Toxics.AddToxicJson(strings.NewReader(string(b))); err != nil {
				p.remove(done)
				return fmt.Errorf("adding the %s toxic on %s (%s): %w", typ, node, stream, err)
			}
			done = append(done, added{node, t.Name})
		}
	}
	p.added[id] = done
	return nil
}

// Heal removes the toxics Apply added under id, and no others. Healing an
// id that is not applied does nothing.
func (p *Proxy) Heal(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	done := p.added[id]
	delete(p.added, id)
	if p.closed {
		return nil // the proxies, and their toxics, are gone
	}
	return p.remove(done)
}

// Toxics returns the names of the toxics on node's link (for tests and
// diagnostics).
func (p *Proxy) Toxics(node string) []string {
	tp, ok := p.links[node]
	if !ok {
		return nil
	}
	var out []string
	for _, t := range tp.Toxics.GetToxicArray() {
		if w, ok := t.(*toxics.ToxicWrapper); ok {
			out = append(out, w.Name)
		}
	}
	sort.Strings(out)
	return out
}

// remove removes toxics, in reverse order (under p.mu).
func (p *Proxy) remove(list []added) error {
	var errs []error
	for i := len(list) - 1; i >= 0; i-- {
		a := list[i]
		if err := p.links[a.node].Toxics.RemoveToxic(context.Background(), a.name); err != nil {
			errs = append(errs, fmt.Errorf("removing %s on %s: %w", a.name, a.node, err))
		}
	}
	return errors.Join(errs...)
}
