package rmqtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

func TestScaledDelayLevels(t *testing.T) {
	got := ScaledDelayLevels(200 * time.Millisecond)
	if len(got) != 18 || got[0] != 200*time.Millisecond || got[1] != time.Second || got[17] != 1440*time.Second {
		t.Errorf("ScaledDelayLevels(200ms) = %v", got)
	}
	if d := DefaultDelayLevels(); d[0] != time.Second || d[17] != 2*time.Hour {
		t.Errorf("DefaultDelayLevels = %v", d)
	}
}

// startRawProducer starts a bare client producer against c, shut down
// when t ends.
func startRawProducer(t *testing.T, c *Cluster, group string) rocketmq.Producer {
	t.Helper()
	rlog.SetLogLevel("error")
	p, err := rocketmq.NewProducer(producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NameServer()})),
		producer.WithGroupName(group), producer.WithInstanceName(fmt.Sprintf("%s-%d", group, time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Shutdown() })
	return p
}

// waitStored polls until topic holds want messages in its queues in total
// or the deadline passes, and returns when it first did.
func waitStored(t *testing.T, b *Broker, topic string, want int, deadline time.Duration) time.Time {
	t.Helper()
	end := time.Now().Add(deadline)
	for {
		n := 0
		for _, k := range b.Stored(topic) {
			n += k
		}
		if n == want {
			return time.Now()
		}
		if n > want || time.Now().After(end) {
			t.Fatalf("%s holds %d messages, want %d", topic, n, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestDelayedMessagesWaitForTheirLevel sends delayed messages of levels 1
// and 2 with the bare client: they sit in the schedule topic's queue of
// their level and reach the real queue no earlier than their level's delay
// after the send, without the DELAY property.
func TestDelayedMessagesWaitForTheirLevel(t *testing.T) {
	levels := []time.Duration{300 * time.Millisecond, 700 * time.Millisecond}
	c, err := Start(Config{DelayLevels: levels})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.CreateTopic("delayed", 1)
	p := startRawProducer(t, c, "pg-delay")
	b := c.Broker(0)
	for lvl := 1; lvl <= 2; lvl++ {
		start := time.Now()
		before, _ := lastStored(b)
		msg := primitive.NewMessage("delayed", []byte(fmt.Sprint("level ", lvl))).WithDelayTimeLevel(lvl)
		if res, err := p.SendSync(context.Background(), msg); err != nil || res.Status != primitive.SendOK {
			t.Fatalf("send level %d: %v %v", lvl, res, err)
		}
		if got := b.Stored(scheduleTopic); got[lvl-1] != 1 {
			t.Fatalf("schedule topic queues after a level-%d send: %v", lvl, got)
		}
		at := waitStored(t, b, "delayed", lvl, 10*time.Second)
		if waited := at.Sub(start); waited < levels[lvl-1] {
			t.Errorf("level %d visible after %v, before its delay %v", lvl, waited, levels[lvl-1])
		}
		n, moved := lastStored(b)
		if n != before+2 || moved.topic != "delayed" || props(moved.properties)[propDelay] != "" ||
			props(moved.properties)[propRealTopic] != "delayed" {
			t.Errorf("moved message: topic %q properties %q", moved.topic, moved.properties)
		}
	}
}

// TestDelayLevelBeyondTableUsesLast: a level past the table waits the
// table's last delay.
func TestDelayLevelBeyondTableUsesLast(t *testing.T) {
	c, err := Start(Config{DelayLevels: []time.Duration{50 * time.Millisecond, 400 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.CreateTopic("far", 1)
	p := startRawProducer(t, c, "pg-far")
	start := time.Now()
	if _, err := p.SendSync(context.Background(), primitive.NewMessage("far", []byte("x")).WithDelayTimeLevel(9)); err != nil {
		t.Fatal(err)
	}
	if waited := waitStored(t, c.Broker(0), "far", 1, 10*time.Second).Sub(start); waited < 400*time.Millisecond {
		t.Errorf("level 9 of a 2-level table visible after %v, want >= 400ms", waited)
	}
}

// lastStored returns the length of b's log and its last message.
func lastStored(b *Broker) (int, *message) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.log) == 0 {
		return 0, nil
	}
	return len(b.log), b.log[len(b.log)-1]
}
