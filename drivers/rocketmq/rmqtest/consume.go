package rmqtest

import (
	"strconv"
	"time"
)

const (
	pullCommitOffsetFlag = 1
	maxPullBytes         = 4 << 20
)

// handlePull (11) answers at once with the messages after the requested
// offset, or waits up to Config.PullWait (and the client's suspend
// timeout) for one before answering "no new message".
func (b *Broker) handlePull(req *command) *command {
	f := req.ExtFields
	topicName, group := f["topic"], f["consumerGroup"]
	qid := atoi(f["queueId"])
	off := atoi(f["queueOffset"])
	maxN := max(atoi(f["maxMsgNums"]), 1)
	if atoi(f["sysFlag"])&pullCommitOffsetFlag != 0 {
		if c := atoi(f["commitOffset"]); c >= 0 {
			b.mu.Lock()
			b.offsets[offsetKey(group, topicName, qid)] = c
			b.mu.Unlock()
		}
	}
	wait := b.cfg.PullWait
	if s := time.Duration(atoi(f["suspendTimeoutMillis"])) * time.Millisecond; s > 0 && s < wait {
		wait = s
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		resp, notify := b.pullOnce(req, topicName, qid, off, maxN)
		if resp != nil {
			return resp
		}
		select {
		case <-notify:
		case <-time.After(20 * time.Millisecond): // a retry delay may have passed
		case <-b.srv.stop:
			return nil
		case <-deadline.C:
			resp, _ = b.pullOnce(req, topicName, qid, off, maxN)
			if resp == nil {
				resp = b.pullResponse(req, codePullNotFound, off, topicName, qid)
			}
			return resp
		}
	}
}

// pullOnce returns the answer to a pull, or nil and a channel closed on the
// next append when there is nothing to pull yet.
func (b *Broker) pullOnce(req *command, topicName string, qid, off, maxN int64) (*command, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.topics[topicName]
	if t == nil || qid < 0 || qid >= int64(len(t.queues)) {
		return response(req, codeTopicNotExist, "topic["+topicName+"] not exist"), nil
	}
	q := t.queues[qid]
	if off < 0 || off > int64(len(q.msgs)) {
		return b.pullResponseLocked(req, codePullMoved, int64(len(q.msgs)), q), nil
	}
	var body []byte
	next := off
	now := time.Now()
	for next < int64(len(q.msgs)) && next-off < maxN && len(body) < maxPullBytes {
		m := q.msgs[next]
		if m.visibleAt.After(now) {
			break
		}
		body = m.encode(body, b.addr)
		next++
	}
	if next == off {
		return nil, b.notify
	}
	resp := b.pullResponseLocked(req, codeSuccess, next, q)
	resp.Body = body
	return resp, nil
}

func (b *Broker) pullResponse(req *command, code int16, next int64, topicName string, qid int64) *command {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pullResponseLocked(req, code, next, b.topics[topicName].queues[qid])
}

func (b *Broker) pullResponseLocked(req *command, code int16, next int64, q *queue) *command {
	resp := response(req, code, "")
	resp.ExtFields["nextBeginOffset"] = strconv.FormatInt(next, 10)
	resp.ExtFields["minOffset"] = "0"
	resp.ExtFields["maxOffset"] = strconv.Itoa(len(q.msgs))
	resp.ExtFields["suggestWhichBrokerId"] = "0"
	return resp
}

func offsetKey(group, topicName string, qid int64) string {
	return group + "@" + topicName + "@" + strconv.FormatInt(qid, 10)
}

// handleOffset answers the consumer-offset requests: query (14), update
// (15), search by timestamp (29), max (30) and min (31).
func (b *Broker) handleOffset(req *command) *command {
	f := req.ExtFields
	topicName, qid := f["topic"], atoi(f["queueId"])
	b.mu.Lock()
	defer b.mu.Unlock()
	resp := response(req, codeSuccess, "")
	switch req.Code {
	case reqQueryOffset:
		off, ok := b.offsets[offsetKey(f["consumerGroup"], topicName, qid)]
		if !ok {
			return response(req, codeQueryNotFound, "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first")
		}
		resp.ExtFields["offset"] = strconv.FormatInt(off, 10)
		return resp
	case reqUpdateOffset:
		b.offsets[offsetKey(f["consumerGroup"], topicName, qid)] = atoi(f["commitOffset"])
		return resp
	}
	t := b.topics[topicName]
	if t == nil || qid < 0 || qid >= int64(len(t.queues)) {
		return response(req, codeTopicNotExist, "topic["+topicName+"] not exist")
	}
	q := t.queues[qid]
	off := int64(0)
	switch req.Code {
	case reqMaxOffset:
		off = int64(len(q.msgs))
	case reqSearchOffset:
		ts := atoi(f["timestamp"])
		for off < int64(len(q.msgs)) && q.msgs[off].stored < ts {
			off++
		}
	}
	resp.ExtFields["offset"] = strconv.FormatInt(off, 10)
	return resp
}
