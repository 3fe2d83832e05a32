package rmqtest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// txRaceNote explains why check-backs do not run under -race.
const txRaceNote = "check-backs skipped under -race: rocketmq-client-go v2.1.2 reads rmqClient.close without " +
	"synchronization when it sends a check-back's answer while Shutdown writes it; run without -race to cover them"

// bodyListener decides by the message body's prefix: "commit", "rollback",
// or "unknown-commit"/"unknown-rollback" (unknown locally, the check-back
// answers the rest of the name). It records every check-back body.
type bodyListener struct {
	mu      sync.Mutex
	checked []string
}

func (l *bodyListener) ExecuteLocalTransaction(m *primitive.Message) primitive.LocalTransactionState {
	switch b := string(m.Body); {
	case strings.HasPrefix(b, "commit"):
		return primitive.CommitMessageState
	case strings.HasPrefix(b, "rollback"):
		return primitive.RollbackMessageState
	}
	return primitive.UnknowState
}

func (l *bodyListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	l.mu.Lock()
	l.checked = append(l.checked, string(m.Body))
	l.mu.Unlock()
	if strings.HasPrefix(string(m.Body), "unknown-commit") {
		return primitive.CommitMessageState
	}
	return primitive.RollbackMessageState
}

// TestTransactionsEndAndCheckBack sends half messages with the bare
// client's TransactionProducer: commit makes them visible in their real
// topic, rollback never, and unknown ones are checked back (after
// TxCheckInterval) and resolved by the producer's answer.
func TestTransactionsEndAndCheckBack(t *testing.T) {
	rlog.SetLogLevel("error")
	c, err := Start(Config{TxCheckInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.CreateTopic("tx", 2)
	l := &bodyListener{}
	p, err := rocketmq.NewTransactionProducer(l,
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NameServer()})),
		producer.WithGroupName("pg-tx"), producer.WithInstanceName(fmt.Sprintf("tx-%d", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown() }()
	kinds := []string{"commit", "rollback", "unknown-commit", "unknown-rollback"}
	if raceEnabled {
		t.Log(txRaceNote)
		kinds = []string{"commit", "rollback", "commit", "rollback"}
	}
	for i := range 8 {
		body := fmt.Sprintf("%s-%d", kinds[i%4], i)
		res, err := p.SendMessageInTransaction(context.Background(), primitive.NewMessage("tx", []byte(body)))
		if err != nil || res.Status != primitive.SendOK {
			t.Fatalf("send %s: %v %v", body, res, err)
		}
	}
	b := c.Broker(0)
	waitStored(t, b, "tx", 4, 10*time.Second) // 2 commit + 2 unknown-commit
	end := time.Now().Add(5 * time.Second)
	for b.TxStats().Pending > 0 && time.Now().Before(end) {
		time.Sleep(10 * time.Millisecond)
	}
	s := b.TxStats()
	fromCheck := int64(4)
	if raceEnabled {
		fromCheck = 0
	}
	if s.Half != 8 || s.Committed != 4 || s.RolledBack != 4 || s.FromCheck != fromCheck || s.Pending != 0 || s.Checks < fromCheck {
		t.Errorf("tx stats %+v, want 8 half, 4 committed, 4 rolled back, %d of them from checks", s, fromCheck)
	}
	var bodies []string
	for _, m := range messagesOf(b, "tx") {
		bodies = append(bodies, string(m.body))
		if p := props(m.properties); p[propTranMsg] != "" || m.sysFlag&txTypeMask != txCommit {
			t.Errorf("committed %q: sysFlag %d, TRAN_MSG %q", m.body, m.sysFlag, p[propTranMsg])
		}
	}
	if got := strings.Join(bodies, " "); strings.Contains(got, "rollback") || len(bodies) != 4 {
		t.Errorf("visible messages %q, want the 4 committed ones", got)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, body := range l.checked {
		if !strings.HasPrefix(body, "unknown") {
			t.Errorf("check-back for %q, which was resolved at once", body)
		}
	}
}

// messagesOf returns the messages of every queue of topic on b.
func messagesOf(b *Broker, topic string) []*message {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*message
	if t := b.topics[topic]; t != nil {
		for _, q := range t.queues {
			out = append(out, q.msgs...)
		}
	}
	return out
}

// TestTransactionCheckMaxDiscards: a half message whose producer never
// resolves it is discarded after TxCheckMax checks.
func TestTransactionCheckMaxDiscards(t *testing.T) {
	if raceEnabled {
		t.Skip(txRaceNote)
	}
	rlog.SetLogLevel("error")
	c, err := Start(Config{TxCheckInterval: 40 * time.Millisecond, TxCheckMax: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.CreateTopic("tx-max", 1)
	p, err := rocketmq.NewTransactionProducer(unknownListener{},
		producer.WithNsResolver(primitive.NewPassthroughResolver([]string{c.NameServer()})),
		producer.WithGroupName("pg-tx-max"), producer.WithInstanceName(fmt.Sprintf("tx-max-%d", time.Now().UnixNano())))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = p.Shutdown() }()
	if _, err := p.SendMessageInTransaction(context.Background(), primitive.NewMessage("tx-max", []byte("x"))); err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(10 * time.Second)
	for c.Broker(0).TxStats().Discarded == 0 && time.Now().Before(end) {
		time.Sleep(10 * time.Millisecond)
	}
	if s := c.Broker(0).TxStats(); s.Discarded != 1 || s.Checks != 2 || s.Pending != 0 {
		t.Errorf("tx stats %+v, want 2 checks then 1 discarded", s)
	}
	if got := c.Broker(0).Stored("tx-max"); got[0] != 0 {
		t.Errorf("discarded half message visible: %v", got)
	}
}

// unknownListener always answers unknown.
type unknownListener struct{}

func (unknownListener) ExecuteLocalTransaction(*primitive.Message) primitive.LocalTransactionState {
	return primitive.UnknowState
}

func (unknownListener) CheckLocalTransaction(*primitive.MessageExt) primitive.LocalTransactionState {
	return primitive.UnknowState
}
