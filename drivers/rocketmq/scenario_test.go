package rocketmq

import (
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/scenarios"
)

// oneDriver is a scenarios.Registry that knows only this driver.
type oneDriver struct{}

func (oneDriver) Driver(name string) (drivers.Factory, bool) {
	return Factory, name == Factory.Name
}
func (oneDriver) DriverNames() []string { return []string{Factory.Name} }

// TestScenarioFilesLoad loads the bundled rocketmq scenarios with this
// driver's option validation (they need a real RocketMQ to run).
func TestScenarioFilesLoad(t *testing.T) {
	for _, name := range []string{"rocketmq-modes"} {
		data, ok := scenarios.BundledSource(name)
		if !ok {
			t.Fatalf("%s is not bundled", name)
		}
		sc, err := scenarios.Load(name+".yaml", data, oneDriver{}, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if o := sc.Driver.Options.(*Options); !o.Ordered || len(o.NameServers) != 1 {
			t.Errorf("%s: options %+v", name, o)
		}
	}
}
