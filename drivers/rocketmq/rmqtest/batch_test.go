package rmqtest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// TestBatchSend: a batch send of the bare client (request 320, the
// MessageBatch body, single-letter header keys) is stored as separate
// messages at consecutive offsets of one queue, each with its own body
// and properties; the answer names the first offset and every message id.
func TestBatchSend(t *testing.T) {
	rlog.SetLogLevel("error")
	c, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.CreateTopic("batch", 1)
	p, err := rocketmq.NewProducer(producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NameServer()})),
		producer.WithGroupName("pg"), producer.WithInstanceName(fmt.Sprintf("batch-p-%d", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown() }()
	one := primitive.NewMessage("batch", []byte("single"))
	if _, err := p.SendSync(context.Background(), one); err != nil {
		t.Fatal(err)
	}
	const n = 5
	var msgs []*primitive.Message
	for i := range n {
		msgs = append(msgs, primitive.NewMessage("batch", fmt.Appendf(nil, "body-%d", i)).WithKeys([]string{fmt.Sprint("k", i)}))
	}
	res, err := p.SendSync(context.Background(), msgs...)
	if err != nil || res.Status != primitive.SendOK {
		t.Fatalf("batch: %v %v", res, err)
	}
	if res.QueueOffset != 1 {
		t.Errorf("batch answer queue offset %d, want 1 (its first message)", res.QueueOffset)
	}
	if ids := strings.Split(res.OffsetMsgID, ","); len(ids) != n {
		t.Errorf("batch answer has %d message ids (%q), want %d", len(ids), res.OffsetMsgID, n)
	}
	b := c.Broker(0)
	if b.BatchSends() != 1 || b.Sends() != n+1 {
		t.Fatalf("broker: %d batch requests, %d messages; want 1 and %d", b.BatchSends(), b.Sends(), n+1)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.topics["batch"].queues[0]
	for i, m := range q.msgs[1:] {
		if string(m.body) != fmt.Sprintf("body-%d", i) || m.queueOff != int64(i+1) {
			t.Errorf("message %d: body %q at offset %d", i, m.body, m.queueOff)
		}
		if k := props(m.properties)["KEYS"]; k != fmt.Sprint("k", i) {
			t.Errorf("message %d: keys %q, want k%d", i, k, i)
		}
	}
}

// TestDecodeBatchMalformed: truncated or inconsistent batch bodies are
// refused (nil), never a panic.
func TestDecodeBatchMalformed(t *testing.T) {
	good := primitive.NewMessage("t", []byte("abc")).Marshal()
	if ms := decodeBatch(good); len(ms) != 1 || string(ms[0].body) != "abc" {
		t.Fatalf("good body decoded as %v", ms)
	}
	for name, body := range map[string][]byte{
		"short":     good[:10],
		"truncated": good[:len(good)-1],
		"trailing":  append(append([]byte(nil), good...), 1, 2, 3),
		"bodylen":   func() []byte { b := append([]byte(nil), good...); b[16] = 0x7f; return b }(),
	} {
		if ms := decodeBatch(body); ms != nil {
			t.Errorf("%s: decoded %d messages, want refusal", name, len(ms))
		}
	}
}
