package kafka_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
)

// TestGroupEventsKfake pins the kafka-go log lines the events come from:
// a second consumer joining and leaving makes the first one rebalance,
// and every kind of event shows, with generations and assignments.
func TestGroupEventsKfake(t *testing.T) {
	c := startKfake(t, 3)
	d := openDriver(t, c.Endpoints(), nil)
	ctx := context.Background()
	topic := fmt.Sprintf("events-%d", time.Now().UnixNano())
	if err := d.Setup(ctx, []drivers.Destination{{Name: topic, Partitions: 4}}); err != nil {
		t.Fatal(err)
	}
	h := func(d *drivers.Delivery) { _ = d.Ack() }
	a, err := d.NewConsumer(ctx, drivers.ConsumerConfig{ID: 0, Topic: topic, Group: "g"}, h)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := d.NewConsumer(ctx, drivers.ConsumerConfig{ID: 1, Topic: topic, Group: "g"}, h)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		kinds := map[string]int{}
		var lastA kafka.GroupEvent
		for _, e := range d.GroupEvents() {
			kinds[e.Kind]++
			if e.Consumer == 0 && e.Kind == kafka.GroupAssigned {
				lastA = e
			}
		}
		// a: opened, joined+assigned three times (alone, with b, alone
		// again), two generation ends; b: opened, joined, assigned, closed.
		if kinds[kafka.GroupAssigned] >= 4 && kinds[kafka.GroupGenerationEnd] >= 2 && kinds[kafka.GroupClosed] == 1 &&
			kinds[kafka.GroupOpened] == 2 && lastA.Detail == "p0@-2 p1@-2 p2@-2 p3@-2" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %v, last assignment of a %q: %+v", kinds, lastA.Detail, d.GroupEvents())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, e := range d.GroupEvents() {
		if e.Kind == kafka.GroupJoined && (e.Generation <= 0 || e.Member == "") {
			t.Errorf("joined event without generation or member: %+v", e)
		}
	}
	// The harness sees them all as rebalance events, each naming its step.
	evs, gs := d.Events(), d.GroupEvents()
	if len(evs) != len(gs) {
		t.Fatalf("%d events for %d group events", len(evs), len(gs))
	}
	for i, e := range evs {
		if e.Kind != drivers.EventRebalance || !e.Time.Equal(gs[i].Time) || !strings.Contains(e.Detail, gs[i].Kind) {
			t.Errorf("event %+v for %+v", e, gs[i])
		}
	}
}
