package rocketmq

import (
	"os"
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

// TestScenarioFilesLoad loads the staged rocketmq scenario files (testdata/;
// see the package documentation for why they are not bundled yet) with this
// driver's option validation (they need a real RocketMQ to run).
func TestScenarioFilesLoad(t *testing.T) {
	for _, name := range []string{"rocketmq-modes"} {
		data, err := os.ReadFile("testdata/" + name + ".yaml")
		if err != nil {
			t.Fatal(err)
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
