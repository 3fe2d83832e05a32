package rocketmq

import (
	"fmt"
	"slices"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

// Options are the rocketmq driver's scenario options (driver.options). The
// access key and secret key are credentials: Redacted returns a copy fit for
// results and reports.
type Options struct {
	// NameServers are name-server addresses (host:port). Empty means the
	// endpoints of the cluster the harness started (drivers.Env.Endpoints);
	// Open fails when both are empty.
	NameServers []string `yaml:"name_servers"`
	// BrokerAddrs are broker addresses Setup creates topics on (RocketMQ
	// creates topics per broker, through the broker's admin request). Empty
	// means Setup creates nothing: topics must exist or the brokers must
	// auto-create them.
	BrokerAddrs []string `yaml:"broker_addrs"`
	// Group is the producer group; default "brokerbench". Consumer groups
	// come from the scenario's consumer settings.
	Group string `yaml:"group"`
	// AccessKey and SecretKey are ACL credentials; empty means none.
	AccessKey string `yaml:"access_key" secret:"true"`
	SecretKey string `yaml:"secret_key" secret:"true"`
	// SendTimeout bounds one sync or oneway send; default 3s. Async sends
	// always use the client's fixed 3s timeout (client v2.1.2); the driver
	// reports an async send whose callback never came as unknown after
	// SendTimeout + 2s.
	SendTimeout time.Duration `yaml:"send_timeout"`
	// Retries is how often the client retries a failed sync or oneway send
	// (RocketMQ's retryTimesWhenSendFailed); default 2. Async sends are
	// never retried by client v2.1.2.
	Retries int `yaml:"retries"`
	// Ordered makes the producer pick the queue by a hash of the message
	// key (a key always maps to the same queue) instead of round robin.
	// Unkeyed messages go to a random queue.
	Ordered bool `yaml:"ordered"`
	// Batch configures producers of kind batch (batch_options.go).
	Batch BatchOptions `yaml:"batch"`
	// DelayLevel is the RocketMQ delay level of every message of a
	// delayed producer (drivers.KindDelayed): 1..len(DelayLevels); with
	// the default table 1=1s 2=5s 3=10s 4=30s 5=1m 6=2m 7=3m 8=4m 9=5m
	// 10=6m 11=7m 12=8m 13=9m 14=10m 15=20m 16=30m 17=1h 18=2h. Default 1.
	DelayLevel int `yaml:"delay_level"`
	// DelayLevels is the broker's delay table (its messageDelayLevel):
	// level n waits DelayLevels[n-1]. The driver does not delay anything
	// itself; it uses the table to report Delivery.Delay, so it must match
	// the broker's. Default DefaultDelayLevels (RocketMQ's 18 levels).
	DelayLevels []time.Duration `yaml:"delay_levels"`
	// Transaction sets the outcomes of transactional messages
	// (drivers.KindTransactional).
	Transaction TransactionOptions `yaml:"transaction"`
	// Consumer configures push consumers.
	Consumer ConsumerOptions `yaml:"consumer"`
	// StandIn labels results when the name server is not Apache RocketMQ
	// (e.g. the rmqtest test double); it becomes drivers.Info.StandIn.
	StandIn string `yaml:"stand_in"`
}

// ConsumerOptions configure push consumers.
type ConsumerOptions struct {
	// Model is "clustering" (default: the group shares the queues) or
	// "broadcasting" (every consumer gets every message; offsets kept in
	// local files under ~/.rocketmq_offsets by the client).
	Model string `yaml:"model"`
	// Order is "concurrent" (default) or "orderly" (one queue at a time,
	// under a broker queue lock).
	Order string `yaml:"order"`
	// Settle is how long NewConsumer waits after starting the consumer, so
	// the group's members finish their (asynchronous) rebalance before the
	// harness starts sending; default 300ms, 0 disables. Messages sent
	// while a rebalance moves a queue can be delivered to both members.
	Settle time.Duration `yaml:"settle"`
	// RetryOptions: consume retries and the dead-letter topic
	// (retry_options.go).
	RetryOptions `yaml:",inline"`
}

// Redaction replaces secrets in Redacted options.
const Redaction = "REDACTED"

var (
	modelValues = []string{"clustering", "broadcasting"}
	orderValues = []string{"concurrent", "orderly"}
)

// DefaultOptions returns the defaults documented on each field.
func DefaultOptions() *Options {
	return &Options{Group: "brokerbench", SendTimeout: 3 * time.Second, Retries: 2,
		Batch:      defaultBatchOptions(),
		DelayLevel: 1, DelayLevels: DefaultDelayLevels(), Transaction: DefaultTransactionOptions(),
		Consumer: ConsumerOptions{Model: "clustering", Order: "concurrent", Settle: 300 * time.Millisecond,
			RetryOptions: defaultRetryOptions()}}
}

var (
	_ drivers.Options  = (*Options)(nil)
	_ drivers.Redactor = (*Options)(nil)
)

// Validate checks the options and returns every problem.
func (o *Options) Validate() []drivers.OptionError {
	var errs []drivers.OptionError
	bad := func(field, format string, args ...any) {
		errs = append(errs, drivers.OptionError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for i, a := range o.NameServers {
		if a == "" {
			bad(fmt.Sprintf("name_servers[%d]", i), "must not be empty")
		}
	}
	for i, a := range o.BrokerAddrs {
		if a == "" {
			bad(fmt.Sprintf("broker_addrs[%d]", i), "must not be empty")
		}
	}
	if o.Group == "" {
		bad("group", "must not be empty")
	}
	if (o.AccessKey == "") != (o.SecretKey == "") {
		bad("secret_key", "access_key and secret_key must be set together")
	}
	if o.SendTimeout <= 0 {
		bad("send_timeout", "must be > 0, got %v", o.SendTimeout)
	}
	if o.Retries < 0 {
		bad("retries", "must be >= 0, got %d", o.Retries)
	}
	errs = append(errs, o.validateDelay()...)
	errs = append(errs, o.Transaction.validate()...)
	if !slices.Contains(modelValues, o.Consumer.Model) {
		bad("consumer.model", "must be one of %v, got %q", modelValues, o.Consumer.Model)
	}
	if !slices.Contains(orderValues, o.Consumer.Order) {
		bad("consumer.order", "must be one of %v, got %q", orderValues, o.Consumer.Order)
	}
	if o.Consumer.Settle < 0 {
		bad("consumer.settle", "must be >= 0, got %v", o.Consumer.Settle)
	}
	errs = append(errs, o.Batch.validate()...)
	errs = append(errs, o.Consumer.RetryOptions.validate(o.Consumer.Model)...)
	return errs
}

// Redacted returns a copy with the access key and secret key replaced.
func (o *Options) Redacted() drivers.Options {
	c := *o
	c.NameServers = slices.Clone(o.NameServers)
	c.BrokerAddrs = slices.Clone(o.BrokerAddrs)
	c.DelayLevels = slices.Clone(o.DelayLevels)
	if c.AccessKey != "" {
		c.AccessKey = Redaction
	}
	if c.SecretKey != "" {
		c.SecretKey = Redaction
	}
	return &c
}
