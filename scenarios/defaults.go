package scenarios

import (
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Workload defaults (see the Workload field docs).
const (
	DefaultProducers    = 1
	DefaultConsumers    = 1
	DefaultMode         = drivers.ModeSync
	DefaultKind         = drivers.KindPlain
	DefaultWindow       = 64
	DefaultMessageSize  = 124
	DefaultDrainTimeout = 10 * time.Second
	DefaultDrainQuiet   = 2 * time.Second
	DefaultSendTimeout  = 10 * time.Second
	DefaultSeed         = 1
	DefaultPartitions   = 1
	// MaxClusterNodes bounds cluster.nodes (every node runs on this machine).
	MaxClusterNodes = 9
)

// defaultScenario holds the defaults decoding starts from.
func defaultScenario() *Scenario {
	return &Scenario{Workload: Workload{
		Producers:    DefaultProducers,
		Consumers:    DefaultConsumers,
		Mode:         DefaultMode,
		Kind:         DefaultKind,
		Window:       DefaultWindow,
		MessageSize:  DefaultMessageSize,
		Keys:         Keys{Pick: PickRoundRobin},
		DrainTimeout: DefaultDrainTimeout,
		DrainQuiet:   DefaultDrainQuiet,
		SendTimeout:  DefaultSendTimeout,
		Seed:         DefaultSeed,
	}}
}

// fillDefaults sets the defaults that depend on what was decoded: each
// destination's partitions, the workload destination and the expectations.
func (d *decoder) fillDefaults(s *Scenario) {
	for i := range s.Destinations {
		if !d.seen[joinPath(indexPath("destinations", i), "partitions")] {
			s.Destinations[i].Partitions = DefaultPartitions
		}
	}
	d.fillPhases(&s.Workload)
	if !d.seen["workload.destination"] && len(s.Destinations) > 0 {
		s.Workload.Destination = s.Destinations[0].Name
	}
	if !d.seen["expect"] {
		s.Expect = DefaultExpect()
	}
	if s.Cluster.Backend != "" && !d.seen["cluster.nodes"] {
		s.Cluster.Nodes = 1
	}
	d.fillNemesisDefaults(s)
}
