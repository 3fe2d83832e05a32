package rmqtest

import (
	"encoding/json"
	"strconv"
	"time"
)

// Transaction constants, as in RocketMQ.
const (
	// halfTopic holds transaction half messages (queue 0) until
	// END_TRANSACTION commits or rolls them back.
	halfTopic = "RMQ_SYS_TRANS_HALF_TOPIC"
	// txTypeMask selects the transaction type bits of a sysFlag
	// (txPrepared, txCommit, txRollback; 0: not transactional).
	txTypeMask = 3 << 2
	// reqCheckTransaction is CHECK_TRANSACTION_STATE, broker to producer.
	reqCheckTransaction = 39
	propUniqKey         = "UNIQ_KEY"
	propProducerGroup   = "PGROUP"
	propTranMsg         = "TRAN_MSG"
)

// txStore is a broker's transaction state. Its zero value is ready; the
// checker goroutine starts with the first half message.
type txStore struct {
	pending   map[int64]*halfMsg          // unresolved half messages by commit offset
	producers map[string]map[string]*conn // producer group -> client id -> connection
	started   bool
	stats     TxStats
}

// halfMsg is an unresolved half message and its check-back state.
type halfMsg struct {
	m         *message
	lastTouch time.Time // stored, or last checked
	checks    int
}

// TxStats counts a broker's transaction events.
type TxStats struct {
	// Half is how many half messages were stored.
	Half int64
	// Committed and RolledBack count END_TRANSACTION requests that
	// resolved a half message; FromCheck those of them that answered a
	// check-back.
	Committed, RolledBack, FromCheck int64
	// Checks is how many CHECK_TRANSACTION_STATE requests were sent.
	Checks int64
	// Discarded counts half messages dropped after Config.TxCheckMax
	// unanswered checks.
	Discarded int64
	// Pending is how many half messages are unresolved now.
	Pending int64
}

// TxStats returns the broker's transaction counters.
func (b *Broker) TxStats() TxStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.tx.stats
	s.Pending = int64(len(b.tx.pending))
	return s
}

// putHalfLocked stores m in the half topic, invisible to consumers of its
// topic, and starts the checker.
func (b *Broker) putHalfLocked(m *message) {
	m.properties = withRealPlace(m)
	m.topic, m.queueID = halfTopic, 0
	b.appendLocked(m, b.createTopicLocked(halfTopic, 1))
	if b.tx.pending == nil {
		b.tx.pending = map[int64]*halfMsg{}
	}
	b.tx.pending[m.commitOff] = &halfMsg{m: m, lastTouch: time.Now()}
	b.tx.stats.Half++
	if !b.tx.started {
		b.tx.started = true
		b.goBackground(b.runTxChecker)
	}
}

// handleEndTransaction (37): commit moves the half message to its real
// topic and queue as a new message, rollback drops it, "not type" (the
// producer's UNKNOW) leaves it for the check-back. A half message already
// resolved is ignored. The client sends it oneway, so there is no answer.
func (b *Broker) handleEndTransaction(req *command) *command {
	f := req.ExtFields
	off := atoi(f["commitLogOffset"])
	how := int32(atoi(f["commitOrRollback"]))
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.tx.pending[off]
	if h == nil || (how != txCommit && how != txRollback) {
		return response(req, codeSuccess, "")
	}
	delete(b.tx.pending, off)
	if how == txCommit {
		b.moveToRealLocked(h.m, h.m.sysFlag&^txTypeMask|txCommit, propTranMsg)
		b.tx.stats.Committed++
	} else {
		b.tx.stats.RolledBack++
	}
	if f["fromTransactionCheck"] == "true" {
		b.tx.stats.FromCheck++
	}
	return response(req, codeSuccess, "")
}

// registerProducers records the producer groups of a heartbeat on conn c,
// so check-backs can reach them.
func (b *Broker) registerProducers(c *conn, body []byte) {
	var hb struct {
		ClientID  string `json:"clientID"`
		Producers []struct {
			GroupName string `json:"groupName"`
		} `json:"producerDataSet"`
	}
	if json.Unmarshal(body, &hb) != nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, pd := range hb.Producers {
		if b.tx.producers == nil {
			b.tx.producers = map[string]map[string]*conn{}
		}
		g := b.tx.producers[pd.GroupName]
		if g == nil {
			g = map[string]*conn{}
			b.tx.producers[pd.GroupName] = g
		}
		g[hb.ClientID] = c
	}
}

// dropProducerConn forgets the producers registered over a closed
// connection.
func (b *Broker) dropProducerConn(c *conn) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, g := range b.tx.producers {
		for id, gc := range g {
			if gc == c {
				delete(g, id)
			}
		}
	}
}

// runTxChecker checks the half messages left unresolved for
// Config.TxCheckInterval, every quarter interval, until the broker stops.
func (b *Broker) runTxChecker(stop <-chan struct{}) {
	tick := time.NewTicker(max(b.cfg.TxCheckInterval/4, time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			b.checkHalves(time.Now())
		case <-stop:
			return
		}
	}
}

// checkHalves sends CHECK_TRANSACTION_STATE for every half message
// untouched for Config.TxCheckInterval to one connection of its producer
// group (the message's PGROUP), and discards those checked
// Config.TxCheckMax times already. A message whose group has no
// connection waits for the next round.
func (b *Broker) checkHalves(now time.Time) {
	type check struct {
		c   *conn
		cmd *command
	}
	var checks []check
	b.mu.Lock()
	for off, h := range b.tx.pending {
		if now.Sub(h.lastTouch) < b.cfg.TxCheckInterval {
			continue
		}
		if h.checks >= b.cfg.TxCheckMax {
			delete(b.tx.pending, off)
			b.tx.stats.Discarded++
			continue
		}
		c := b.producerConnLocked(props(h.m.properties)[propProducerGroup])
		if c == nil {
			continue
		}
		h.checks++
		h.lastTouch = now
		b.tx.stats.Checks++
		b.opaque++
		checks = append(checks, check{c, b.checkCommandLocked(h.m, b.opaque)})
	}
	b.mu.Unlock()
	for _, ch := range checks {
		ch.c.write(ch.cmd)
	}
}

// producerConnLocked returns a live connection of a producer of group, or
// nil. The choice among several is arbitrary, as on a real broker.
func (b *Broker) producerConnLocked(group string) *conn {
	b.srv.mu.Lock()
	defer b.srv.mu.Unlock()
	for _, c := range b.tx.producers[group] {
		if _, live := b.srv.conns[c]; live {
			return c
		}
	}
	return nil
}

// checkCommandLocked builds the check-back request for half message m: its
// header names the half message (commit and queue offsets, ids) and its
// body is the message with its real topic and queue, as the broker's
// check listener sends it.
func (b *Broker) checkCommandLocked(m *message, opaque int32) *command {
	p := props(m.properties)
	shown := *m
	shown.topic = p[propRealTopic]
	if q, err := strconv.Atoi(p[propRealQueue]); err == nil {
		shown.queueID = int32(q)
	}
	return &command{Code: reqCheckTransaction, Language: "JAVA", Opaque: opaque, ExtFields: map[string]string{
		"tranStateTableOffset": strconv.FormatInt(m.queueOff, 10),
		"commitLogOffset":      strconv.FormatInt(m.commitOff, 10),
		"msgId":                p[propUniqKey],
		"transactionId":        p[propUniqKey],
		"offsetMsgId":          offsetMsgID(b.addr, m.commitOff),
	}, Body: shown.encode(nil, b.addr)}
}
