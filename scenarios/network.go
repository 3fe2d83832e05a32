package scenarios

import "strings"

// validateNetwork checks a network fault: its loss, the cluster's size,
// and that the cluster backend can do it (asked of the backend's
// Factory.Supports with the decoded cluster options). Node kinds are
// checked against the backend too.
func (d *decoder) validateNetwork(s *Scenario, f FaultSpec, p string) {
	if f.Kind == FaultPacketLoss {
		if !(f.Loss > 0 && f.Loss <= 1) {
			d.problem(joinPath(p, "loss"), "a packet-loss fault needs loss in (0, 1] (the share of packets dropped), got %g", f.Loss)
		}
	} else if f.Loss != 0 {
		d.problem(joinPath(p, "loss"), "only a packet-loss fault has a loss (this is a %s)", f.Kind)
	}
	if min := MinNodes(f.Kind); s.Cluster.Backend != "" && s.Cluster.Nodes > 0 && s.Cluster.Nodes < min {
		d.problem(joinPath(p, "kind"), "a %s needs a cluster of at least %d nodes (cluster.nodes is %d)", f.Kind, min, s.Cluster.Nodes)
	}
	if d.cluster == nil || d.cluster.Supports == nil || IsLinkKind(f.Kind) || !contains(FaultKinds(), f.Kind) {
		return
	}
	var err error
	if e := safely(func() error { err = d.cluster.Supports(f.Kind, s.Cluster.Options); return nil }); e != nil {
		err = e
	}
	if err != nil {
		d.problem(joinPath(p, "kind"), "the %s cluster backend cannot do %s faults: %s", d.cluster.Name, f.Kind, strings.TrimPrefix(err.Error(), d.cluster.Name+": "))
	}
}
