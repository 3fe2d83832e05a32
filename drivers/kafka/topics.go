package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	kafka "github.com/segmentio/kafka-go"

	"github.com/brokerbench/brokerbench/drivers"
)

// setupWait bounds how long Setup waits for new topics to have a leader
// for every partition.
const setupWait = 15 * time.Second

// Setup creates the destinations as topics (Partitions 0 means 1) with
// the topic options' replication factor and config, through the cluster's
// controller. It is idempotent: a topic that exists with the same
// partition count is fine, another count is an error. It returns once
// every partition of every topic has a leader in the metadata.
func (d *Driver) Setup(ctx context.Context, dests []drivers.Destination) error {
	if len(dests) == 0 {
		return nil
	}
	md, err := d.admin.Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		return fmt.Errorf("kafka: setup: reading metadata: %w", err)
	}
	rf := d.opts.Topic.ReplicationFactor
	if rf == 0 {
		rf = min(3, max(1, len(md.Brokers)))
	}
	want := map[string]int{}
	var topics []kafka.TopicConfig
	for _, dst := range dests {
		n := max(dst.Partitions, 1)
		want[dst.Name] = n
		topics = append(topics, kafka.TopicConfig{
			Topic: dst.Name, NumPartitions: n, ReplicationFactor: rf, ConfigEntries: d.topicConfig(),
		})
	}
	resp, err := d.admin.CreateTopics(ctx, &kafka.CreateTopicsRequest{Topics: topics})
	if err != nil {
		return fmt.Errorf("kafka: setup: creating topics: %w", err)
	}
	for name, e := range resp.Errors {
		if e != nil && !errors.Is(e, kafka.TopicAlreadyExists) {
			return fmt.Errorf("kafka: setup: creating topic %s: %w", name, e)
		}
	}
	return d.waitTopics(ctx, want)
}

// topicConfig lists the topic.config options, sorted by name.
func (d *Driver) topicConfig() []kafka.ConfigEntry {
	var out []kafka.ConfigEntry
	for _, k := range slices.Sorted(maps.Keys(d.opts.Topic.Config)) {
		out = append(out, kafka.ConfigEntry{ConfigName: k, ConfigValue: d.opts.Topic.Config[k]})
	}
	return out
}

// waitTopics polls the metadata until every topic of want has its
// partition count with a leader each; a different count is an error.
func (d *Driver) waitTopics(ctx context.Context, want map[string]int) error {
	ctx, cancel := context.WithTimeout(ctx, setupWait)
	defer cancel()
	names := slices.Sorted(maps.Keys(want))
	for {
		md, err := d.admin.Metadata(ctx, &kafka.MetadataRequest{Topics: names})
		if err == nil {
			pending, err := topicsReady(md, want)
			if err != nil || len(pending) == 0 {
				return err
			}
			err = fmt.Errorf("topics not ready: %v", pending)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kafka: setup: waiting for topics: %w (last: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// topicsReady returns the topics of want not ready yet, or an error when
// one exists with another partition count.
func topicsReady(md *kafka.MetadataResponse, want map[string]int) ([]string, error) {
	ready := map[string]bool{}
	for _, t := range md.Topics {
		n, ok := want[t.Name]
		if !ok || t.Error != nil {
			continue
		}
		if len(t.Partitions) > 0 && len(t.Partitions) != n {
			return nil, fmt.Errorf("kafka: setup: topic %s exists with %d partitions, want %d", t.Name, len(t.Partitions), n)
		}
		led := 0
		for _, p := range t.Partitions {
			if p.Leader.ID >= 0 && p.Leader.Host != "" {
				led++
			}
		}
		ready[t.Name] = led == n
	}
	var pending []string
	for name := range want {
		if !ready[name] {
			pending = append(pending, name)
		}
	}
	slices.Sort(pending)
	return pending, nil
}
