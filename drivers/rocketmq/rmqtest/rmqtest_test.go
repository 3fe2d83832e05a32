package rmqtest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// TestTestDoubleRawClient drives the test double with the bare client: sync
// and batch sends, then a push consumer reads everything back.
func TestTestDoubleRawClient(t *testing.T) {
	rlog.SetLogLevel("error")
	c, err := Start(Config{Brokers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.CreateTopic("raw", 2)
	ns := primitive.NewPassthroughResolver([]string{c.NameServer()})
	p, err := rocketmq.NewProducer(producer.WithNsResolver(ns), producer.WithGroupName("pg"),
		producer.WithInstanceName(fmt.Sprintf("raw-p-%d", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	const n = 20
	for i := range n {
		res, err := p.SendSync(context.Background(), primitive.NewMessage("raw", []byte(fmt.Sprint(i))))
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("send %d: %v %v", i, res, err)
		}
	}
	batch := []*primitive.Message{primitive.NewMessage("raw", []byte("b1")), primitive.NewMessage("raw", []byte("b2"))}
	if _, err := p.SendSync(context.Background(), batch...); err != nil {
		t.Fatalf("batch: %v", err)
	}
	_ = p.Shutdown()
	if got := c.Broker(0).Sends() + c.Broker(1).Sends(); got != n+2 {
		t.Fatalf("brokers stored %d messages, want %d", got, n+2)
	}
	skipUnderRace(t)

	var mu sync.Mutex
	got := map[string]int{}
	pc, err := rocketmq.NewPushConsumer(consumer.WithNsResolver(ns), consumer.WithGroupName("cg"),
		consumer.WithInstance(fmt.Sprintf("raw-c-%d", time.Now().UnixNano())),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset))
	if err != nil {
		t.Fatal(err)
	}
	err = pc.Subscribe("raw", consumer.MessageSelector{}, func(_ context.Context, ms ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		mu.Lock()
		defer mu.Unlock()
		for _, m := range ms {
			got[string(m.Body)]++
		}
		return consumer.ConsumeSuccess, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := pc.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = pc.Shutdown() }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		k := len(got)
		mu.Unlock()
		if k == n+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumed %d distinct of %d", k, n+2)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// skipUnderRace skips the rest of a test that runs a push consumer when the
// race detector is on: rocketmq-client-go v2.1.2 has a data race of its own
// (pushConsumer.messageQueueChanged writes SubscriptionData.SubVersion while
// rmqClient.UpdateTopicRouteInfo reads it) that fires on every consumer
// start. Run the tests without -race to cover consumers.
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("push consumer skipped under -race: data race inside rocketmq-client-go v2.1.2 (messageQueueChanged vs UpdateTopicRouteInfo)")
	}
}
