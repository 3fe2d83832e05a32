package rmqtest

import (
	"strconv"
	"strings"
)

// putLocked stores one sent message the way a RocketMQ broker does: a
// transaction half message (sysFlag prepared) goes to the half topic and
// waits for END_TRANSACTION (tx.go), a message with a delay level goes to
// the schedule topic until it is due (delay.go), any other message to its
// queue of t. The send response reports m's queue and commit offsets,
// which for the first two are those of the internal topic, as on a real
// broker.
func (b *Broker) putLocked(m *message, t *topic) {
	if m.sysFlag&txTypeMask == txPrepared {
		b.putHalfLocked(m)
		return
	}
	if lvl := atoi(props(m.properties)[propDelay]); lvl > 0 {
		b.putDelayedLocked(m, int(lvl))
		return
	}
	b.appendLocked(m, t)
}

// moveToRealLocked appends a copy of m (a half or schedule message) to the
// topic and queue named by its REAL_TOPIC and REAL_QID properties, with
// the properties in drop removed, as a new message (new queue and commit
// offsets, new store time). It reports false when that queue no longer
// exists.
func (b *Broker) moveToRealLocked(m *message, sysFlag int32, drop ...string) bool {
	p := props(m.properties)
	t := b.topics[p[propRealTopic]]
	qid, err := strconv.Atoi(p[propRealQueue])
	if t == nil || err != nil || qid < 0 || qid >= len(t.queues) {
		return false
	}
	properties := m.properties
	for _, k := range drop {
		properties = withoutProp(properties, k)
	}
	b.appendLocked(&message{topic: p[propRealTopic], queueID: int32(qid), flag: m.flag, sysFlag: sysFlag,
		born: m.born, reconsume: m.reconsume, body: m.body, properties: properties}, t)
	return true
}

// withRealPlace records m's topic and queue in its REAL_TOPIC and REAL_QID
// properties before it is parked in an internal topic.
func withRealPlace(m *message) string {
	s := withProp(m.properties, propRealTopic, m.topic)
	return withProp(s, propRealQueue, strconv.Itoa(int(m.queueID)))
}

// withoutProp returns s without key.
func withoutProp(s, key string) string {
	var b strings.Builder
	for _, kv := range strings.Split(s, string(propSep)) {
		if k, _, ok := strings.Cut(kv, string(nameValueSep)); ok && k != key {
			b.WriteString(kv)
			b.WriteByte(propSep)
		}
	}
	return b.String()
}
