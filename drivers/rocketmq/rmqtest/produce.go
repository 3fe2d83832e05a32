package rmqtest

import (
	"strconv"
	"strings"
	"time"
)

// handleSend stores one message (10) or a batch (320, single-letter keys).
func (b *Broker) handleSend(req *command, batch bool) *command {
	f := req.ExtFields
	key := func(long, short string) string {
		if batch {
			return f[short]
		}
		return f[long]
	}
	topicName := key("topic", "b")
	qid := int32(atoi(key("queueId", "e")))
	sysFlag := int32(atoi(key("sysFlag", "f")))
	born := atoi(key("bornTimestamp", "g"))
	reconsume := int32(atoi(key("reconsumeTimes", "j")))
	msgs := []*message{{flag: int32(atoi(key("flag", "h"))), body: req.Body, properties: key("properties", "i")}}
	if batch {
		if msgs = decodeBatch(req.Body); msgs == nil {
			return response(req, codeError, "rmqtest: malformed batch body")
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topics[topicName]
	if t == nil {
		return response(req, codeTopicNotExist, "topic["+topicName+"] not exist, apply first please!")
	}
	if qid < 0 || int(qid) >= len(t.queues) {
		return response(req, codeError, "rmqtest: queueId out of range")
	}
	resp := response(req, codeSuccess, "")
	ids := make([]string, 0, len(msgs))
	for i, m := range msgs {
		m.topic, m.queueID, m.sysFlag, m.born, m.reconsume = topicName, qid, sysFlag, born, reconsume
		if !batch {
			m.body = append([]byte(nil), m.body...)
		}
		b.putLocked(m, t)
		b.sends++
		if i == 0 {
			resp.ExtFields["queueOffset"] = strconv.FormatInt(m.queueOff, 10)
		}
		ids = append(ids, offsetMsgID(b.addr, m.commitOff))
	}
	if batch {
		b.batches++
	}
	// A batch's answer lists every message's id, comma-separated, as a
	// broker's does.
	resp.ExtFields["msgId"] = strings.Join(ids, ",")
	resp.ExtFields["queueId"] = strconv.Itoa(int(qid))
	return resp
}

// handleSendBack (36) stores a consumed message again in the group's retry
// topic, or its dead-letter topic once it was reconsumed more than
// maxReconsumeTimes (or delayLevel < 0).
func (b *Broker) handleSendBack(req *command) *command {
	f := req.ExtFields
	group := f["group"]
	off := atoi(f["offset"])
	maxRe := atoi(f["maxReconsumeTimes"])
	if maxRe <= 0 {
		maxRe = 16
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if off < 0 || off >= int64(len(b.log)) {
		return response(req, codeError, "rmqtest: send-back of an unknown commit offset")
	}
	orig := b.log[off]
	m := &message{flag: orig.flag, sysFlag: orig.sysFlag, born: orig.born, body: orig.body,
		reconsume: orig.reconsume + 1, properties: orig.properties}
	if _, ok := props(m.properties)[propRetryTopic]; !ok {
		m.properties = withProp(m.properties, propRetryTopic, orig.topic)
	}
	m.topic = "%RETRY%" + group
	if int64(m.reconsume) > maxRe || atoi(f["delayLevel"]) < 0 {
		m.topic = "%DLQ%" + group
	} else {
		m.visibleAt = time.Now().Add(b.cfg.RetryDelay)
	}
	b.appendLocked(m, b.createTopicLocked(m.topic, 1))
	return response(req, codeSuccess, "")
}
