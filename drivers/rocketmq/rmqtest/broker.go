package rmqtest

import (
	"fmt"
	"sync"
	"time"
)

// Broker is one test broker (a master). Its state outlives StopBroker.
type Broker struct {
	name string
	addr string
	cfg  Config
	srv  *server

	mu      sync.Mutex
	topics  map[string]*topic
	log     []*message       // by commit offset
	offsets map[string]int64 // group@topic@queue -> committed offset
	groups  map[string]map[string]*conn
	notify  chan struct{} // closed and replaced on every append
	opaque  int32
	sends   int64
	batches int64 // batch requests (320) stored; see BatchSends

	sched scheduler // delayed messages (delay.go)
	tx    txStore   // transaction half messages (tx.go)
	pause pauseGate // PauseBroker: requests wait (restart.go)
}

func newBroker(name string, cfg Config) (*Broker, error) {
	b := &Broker{name: name, cfg: cfg, topics: map[string]*topic{},
		offsets: map[string]int64{}, groups: map[string]map[string]*conn{}, notify: make(chan struct{})}
	srv, err := newServer(b.handle, b.dropConn)
	if err != nil {
		return nil, err
	}
	b.srv, b.addr = srv, srv.addr()
	return b, nil
}

// Name returns the broker name ("broker-i").
func (b *Broker) Name() string { return b.name }

// Addr returns the broker address.
func (b *Broker) Addr() string { return b.addr }

// Sends returns how many messages the broker stored from sends (single and
// batch), send-backs excluded.
func (b *Broker) Sends() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.sends
}

// Stored returns how many messages each queue of topic holds on this
// broker (nil when the broker has no such topic).
func (b *Broker) Stored(topicName string) []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topics[topicName]
	if t == nil {
		return nil
	}
	out := make([]int, len(t.queues))
	for i, q := range t.queues {
		out[i] = len(q.msgs)
	}
	return out
}

func (b *Broker) handle(c *conn, req *command) *command {
	if !b.pause.wait(b.srv.stop) {
		return nil
	}
	switch req.Code {
	case reqSend:
		return b.handleSend(req, false)
	case reqBatchSend:
		return b.handleSend(req, true)
	case reqPull:
		return b.handlePull(req)
	case reqQueryOffset, reqUpdateOffset, reqSearchOffset, reqMaxOffset, reqMinOffset:
		return b.handleOffset(req)
	case reqHeartbeat:
		return b.handleHeartbeat(c, req)
	case reqUnregister:
		return b.handleUnregister(req)
	case reqConsumerList:
		return b.handleConsumerList(req)
	case reqSendBack:
		return b.handleSendBack(req)
	case reqEndTransaction:
		return b.handleEndTransaction(req)
	case reqLock:
		return b.handleLock(req)
	case reqUnlock:
		return response(req, codeSuccess, "")
	case reqCreateTopic:
		n := max(atoi(req.ExtFields["readQueueNums"]), atoi(req.ExtFields["writeQueueNums"]), 1)
		b.createTopic(req.ExtFields["topic"], int(n))
		return response(req, codeSuccess, "")
	}
	return response(req, codeNotSupported, fmt.Sprintf("rmqtest broker: request code %d not supported", req.Code))
}

// createTopic creates topicName with n queues unless it exists.
func (b *Broker) createTopic(topicName string, n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.createTopicLocked(topicName, n)
}

func (b *Broker) createTopicLocked(topicName string, n int) *topic {
	if t := b.topics[topicName]; t != nil {
		return t
	}
	t := &topic{perm: 6}
	for range n {
		t.queues = append(t.queues, &queue{})
	}
	b.topics[topicName] = t
	return t
}

// queueCount returns the number of queues and the permission of a topic.
func (b *Broker) queueCount(topicName string) (int, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if t := b.topics[topicName]; t != nil {
		return len(t.queues), t.perm
	}
	return 0, 0
}

// appendLocked stores m in its queue and the log and wakes waiting pulls;
// m.topic must exist with m.queueID in range.
func (b *Broker) appendLocked(m *message, t *topic) {
	q := t.queues[m.queueID]
	m.queueOff = int64(len(q.msgs))
	m.commitOff = int64(len(b.log))
	m.stored = time.Now().UnixMilli()
	q.msgs = append(q.msgs, m)
	b.log = append(b.log, m)
	close(b.notify)
	b.notify = make(chan struct{})
}
