package kafka_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	kgo "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
)

// TestInfoKfake: a kfake cluster is labelled as the stand-in it is;
// broker_label overrides the broker name.
func TestInfoKfake(t *testing.T) {
	c := startKfake(t, 3)
	info := openDriver(t, c.Endpoints(), nil).Info()
	if info.Driver != "kafka" || info.Broker != "kfake" || info.StandIn != kafka.KfakeStandIn || len(info.Nodes) != 3 {
		t.Errorf("Info() = %+v", info)
	}
	if kafka.KfakeStandIn != "kfake (Kafka-protocol emulator, not Apache Kafka)" {
		t.Errorf("stand-in label %q", kafka.KfakeStandIn)
	}
	o := kafka.DefaultOptions()
	o.BrokerLabel = "Redpanda 24.1"
	if got := openDriver(t, c.Endpoints(), o).Info().Broker; got != "Redpanda 24.1" {
		t.Errorf("broker_label: Broker %q", got)
	}
}

// TestOpenErrors: no brokers at all, or an unreachable cluster.
func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := kafka.New(ctx, nil, drivers.Env{}); err == nil || !strings.Contains(err.Error(), "no brokers") {
		t.Errorf("no brokers: %v", err)
	}
	o := kafka.DefaultOptions()
	o.Brokers = []string{"127.0.0.1:1"}
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := kafka.New(cctx, o, drivers.Env{}); err == nil {
		t.Error("opening an unreachable cluster succeeded")
	}
	o = kafka.DefaultOptions()
	o.Acks = "bad"
	if _, err := kafka.New(ctx, o, drivers.Env{Endpoints: []string{"127.0.0.1:1"}}); err == nil || !strings.Contains(err.Error(), "acks") {
		t.Errorf("invalid options: %v", err)
	}
}

// TestSetupTopics: the replication factor and topic config reach the
// broker, Setup is idempotent, and another partition count is an error.
func TestSetupTopics(t *testing.T) {
	c := startKfake(t, 3)
	o := kafka.DefaultOptions()
	o.Topic.ReplicationFactor = 2
	o.Topic.Config = map[string]string{"min.insync.replicas": "2", "retention.ms": "3600000"}
	d := openDriver(t, c.Endpoints(), o)
	ctx := context.Background()
	topic := fmt.Sprintf("setup-%d", time.Now().UnixNano())
	for range 2 {
		if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: 3}}); err != nil {
			t.Fatal(err)
		}
	}
	err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: 5}})
	if err == nil || !strings.Contains(err.Error(), "3 partitions") {
		t.Errorf("Setup with another partition count: %v", err)
	}
	cl := &kgo.Client{Addr: kgo.TCP(c.Endpoints()...)}
	md, err := cl.Metadata(ctx, &kgo.MetadataRequest{Topics: []string{topic}})
	if err != nil {
		t.Fatal(err)
	}
	if len(md.Topics) != 1 || len(md.Topics[0].Partitions) != 3 || len(md.Topics[0].Partitions[0].Replicas) != 2 {
		t.Errorf("metadata of %s: %+v", topic, md.Topics)
	}
	resp, err := cl.DescribeConfigs(ctx, &kgo.DescribeConfigsRequest{Resources: []kgo.DescribeConfigRequestResource{
		{ResourceType: kgo.ResourceTypeTopic, ResourceName: topic, ConfigNames: []string{"min.insync.replicas", "retention.ms"}}}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range resp.Resources {
		for _, e := range r.ConfigEntries {
			got[e.ConfigName] = e.ConfigValue
		}
	}
	if got["min.insync.replicas"] != "2" || got["retention.ms"] != "3600000" {
		t.Errorf("topic config %v", got)
	}
}

// TestSASLKfake connects with each SASL mechanism to a kfake cluster that
// requires it, sends and consumes; a wrong password cannot open.
func TestSASLKfake(t *testing.T) {
	for _, m := range []struct{ opt, kfake string }{
		{"plain", "PLAIN"}, {"scram-sha-256", "SCRAM-SHA-256"}, {"scram-sha-512", "SCRAM-SHA-512"},
	} {
		t.Run(m.opt, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser(m.kfake, "bench", "pw"))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			o := kafka.DefaultOptions()
			o.SASL = kafka.SASLOptions{Mechanism: m.opt, Username: "bench", Password: "pw"}
			d := openDriver(t, c.ListenAddrs(), o)
			r := newTestRun(t, d, "sasl", 1, 1)
			r.produce(drivers.ModeSync, 20, 0, nil)
			res, _ := r.check(r.drain(10 * time.Second))
			if res.Counts.Acked != 20 || res.Counts.Delivered != 20 {
				t.Errorf("counts %+v, errors %v", res.Counts, first(r.sendErrs, 3))
			}
			o.SASL.Password = "wrong"
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := kafka.New(ctx, o, drivers.Env{Endpoints: c.ListenAddrs()}); err == nil {
				t.Error("opened with a wrong password")
			}
		})
	}
}
