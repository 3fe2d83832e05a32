package rmqtest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config configures a test cluster; zero fields take the defaults.
type Config struct {
	// Brokers is the number of brokers (each a master, broker id 0);
	// default 1. Broker i is named "broker-i".
	Brokers int
	// Names, when set, are the broker names (one per broker, in order).
	Names []string
	// RetryDelay is how long a message sent back for retry waits before
	// it can be pulled; default 500ms. Real RocketMQ waits 10s and more;
	// this double shortens it.
	RetryDelay time.Duration
	// DelayLevels is the delay table of delayed messages: a message sent
	// with delay level n (the DELAY property) is held for DelayLevels[n-1]
	// after it was stored (levels above the table use its last entry);
	// default DefaultDelayLevels (RocketMQ's 18 levels, 1s to 2h). Tests
	// set a short table, e.g. ScaledDelayLevels(200*time.Millisecond).
	DelayLevels []time.Duration
	// TxCheckInterval is how long a transaction half message may stay
	// unresolved before the broker asks a producer of its group
	// (CHECK_TRANSACTION_STATE), and how long it waits between checks;
	// default 1s (real RocketMQ: 6s, then every 60s).
	TxCheckInterval time.Duration
	// TxCheckMax is how many checks a half message gets before the broker
	// discards it (rolls it back); default 15, as RocketMQ.
	TxCheckMax int
	// PullWait is the most a pull waits for a new message before answering
	// "no new message"; default 100ms.
	PullWait time.Duration
	// RenotifyAfter is when a broker notifies a changed consumer group a
	// second time (see Broker.renotify); default 200ms, negative: never.
	RenotifyAfter time.Duration
}

// Cluster is a running test name server and its brokers. It is a test
// double, never Apache RocketMQ.
type Cluster struct {
	cfg     Config
	ns      *server
	brokers []*Broker
}

// StandIn is the label drivers put into drivers.Info.StandIn when they run
// against this package.
const StandIn = "rmqtest: in-process RocketMQ-protocol test double (not Apache RocketMQ; numbers are meaningless)"

// Start starts a name server and cfg.Brokers brokers on 127.0.0.1 random
// ports. Close it when done.
func Start(cfg Config) (*Cluster, error) {
	if cfg.Brokers <= 0 {
		cfg.Brokers = 1
	}
	if cfg.RetryDelay <= 0 {
		cfg.RetryDelay = 500 * time.Millisecond
	}
	if cfg.PullWait <= 0 {
		cfg.PullWait = 100 * time.Millisecond
	}
	if cfg.RenotifyAfter == 0 {
		cfg.RenotifyAfter = 200 * time.Millisecond
	}
	cfg.DelayLevels = slices.Clone(cfg.DelayLevels)
	if len(cfg.DelayLevels) == 0 {
		cfg.DelayLevels = DefaultDelayLevels()
	}
	if cfg.TxCheckInterval <= 0 {
		cfg.TxCheckInterval = time.Second
	}
	if cfg.TxCheckMax <= 0 {
		cfg.TxCheckMax = 15
	}
	c := &Cluster{cfg: cfg}
	var err error
	if c.ns, err = newServer(c.handleNameServer, nil); err != nil {
		return nil, err
	}
	for i := range cfg.Brokers {
		name := fmt.Sprintf("broker-%d", i)
		if i < len(cfg.Names) {
			name = cfg.Names[i]
		}
		b, err := newBroker(name, cfg)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.brokers = append(c.brokers, b)
	}
	return c, nil
}

// NameServer returns the name server address (host:port).
func (c *Cluster) NameServer() string { return c.ns.addr() }

// BrokerAddrs returns every broker's address, in broker order.
func (c *Cluster) BrokerAddrs() []string {
	out := make([]string, len(c.brokers))
	for i, b := range c.brokers {
		out[i] = b.addr
	}
	return out
}

// Broker returns broker i.
func (c *Cluster) Broker(i int) *Broker { return c.brokers[i] }

// CreateTopic creates topic with queuesPerBroker queues on every broker
// (idempotent: an existing topic keeps its queues).
func (c *Cluster) CreateTopic(topic string, queuesPerBroker int) {
	for _, b := range c.brokers {
		b.createTopic(topic, queuesPerBroker)
	}
}

// StopBroker closes broker i's listener and every connection to it, like a
// crash. The name server keeps routing to it (a real one forgets a broker
// only after its heartbeat timeout), so sends to its queues fail.
func (c *Cluster) StopBroker(i int) error {
	if i < 0 || i >= len(c.brokers) {
		return errors.New("rmqtest: no such broker")
	}
	c.brokers[i].srv.close()
	return nil
}

// Close stops the name server and every broker and waits for all their
// goroutines.
func (c *Cluster) Close() {
	if c.ns != nil {
		c.ns.close()
	}
	for _, b := range c.brokers {
		b.srv.close()
	}
}

// handleNameServer answers route lookups (105) and refuses the rest.
func (c *Cluster) handleNameServer(_ *conn, req *command) *command {
	if req.Code != reqRoute {
		return response(req, codeNotSupported, fmt.Sprintf("rmqtest name server: request code %d not supported", req.Code))
	}
	topic := req.ExtFields["topic"]
	var qds, bds []string
	for _, b := range c.brokers {
		n, perm := b.queueCount(topic)
		if n == 0 {
			continue
		}
		qds = append(qds, fmt.Sprintf(`{"brokerName":%q,"readQueueNums":%d,"writeQueueNums":%d,"perm":%d,"topicSynFlag":0}`,
			b.name, n, n, perm))
		// Formatted as the broker's fastjson does: an unquoted long key.
		bds = append(bds, fmt.Sprintf(`{"brokerAddrs":{0:%q},"brokerName":%q,"cluster":"DefaultCluster"}`, b.addr, b.name))
	}
	if len(qds) == 0 {
		return response(req, codeTopicNotExist, "No topic route info in name server for the topic: "+topic)
	}
	resp := response(req, codeSuccess, "")
	resp.Body = []byte(`{"brokerDatas":[` + strings.Join(bds, ",") + `],"filterServerTable":{},"queueDatas":[` +
		strings.Join(qds, ",") + `]}`)
	return resp
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
