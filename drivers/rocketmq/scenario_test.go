package rocketmq

import (
	"strings"
	"testing"
	"time"

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

// TestScenarioDecodesBatchAndRetryOptions: the batch and consumer retry
// options decode from a scenario (consumer retry options sit inline in
// consumer:), and a bad value is reported with its field.
func TestScenarioDecodesBatchAndRetryOptions(t *testing.T) {
	src := `name: rmq-options
driver:
  name: rocketmq
  options:
    name_servers: [127.0.0.1:9876]
    batch: {size: 32, linger: 2ms}
    consumer: {retry_fraction: 0.25, retry_exhaust: true, max_reconsume_times: 3, read_dlq: false}
destinations: [{name: t, partitions: 1}]
workload: {producers: 1, consumers: 1, rate: 10, duration: 1s}
`
	sc, err := scenarios.Load("rmq-options.yaml", []byte(src), oneDriver{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	o := sc.Driver.Options.(*Options)
	want := RetryOptions{RetryFraction: 0.25, RetryExhaust: true, MaxReconsumeTimes: 3, ReadDLQ: false}
	if o.Batch != (BatchOptions{Size: 32, Linger: 2 * time.Millisecond}) || o.Consumer.RetryOptions != want {
		t.Errorf("decoded batch %+v, retry %+v", o.Batch, o.Consumer.RetryOptions)
	}
	bad := strings.Replace(src, "retry_fraction: 0.25", "retry_fraction: 2", 1)
	if _, err := scenarios.Load("bad.yaml", []byte(bad), oneDriver{}, nil); err == nil || !strings.Contains(err.Error(), "consumer.retry_fraction") {
		t.Errorf("retry_fraction 2: %v", err)
	}
}
