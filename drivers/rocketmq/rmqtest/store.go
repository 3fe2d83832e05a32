package rmqtest

import (
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"net"
	"strconv"
	"strings"
	"time"
)

// message is one stored message.
type message struct {
	topic      string
	queueID    int32
	queueOff   int64
	commitOff  int64
	flag       int32
	sysFlag    int32
	born       int64
	stored     int64
	visibleAt  time.Time // retry delay: not pulled before
	reconsume  int32
	body       []byte
	properties string
}

// queue is one message queue of a topic on one broker.
type queue struct {
	msgs []*message
}

// topic is a topic's queues on one broker.
type topic struct {
	queues []*queue
	perm   int
}

const (
	magicCode    = 0xDAA320A7
	flagBornV6   = 1 << 4
	flagStoreV6  = 1 << 5
	txPrepared   = 1 << 2
	txCommit     = 2 << 2
	txRollback   = 3 << 2
	propSep      = '\x02'
	nameValueSep = '\x01'
	// Property names the client reads.
	propRetryTopic = "RETRY_TOPIC"
	propDelay      = "DELAY"
	propRealTopic  = "REAL_TOPIC"
	propRealQueue  = "REAL_QID"
)

// hostBytes returns the IPv4 bytes and port of addr ("127.0.0.1:n").
func hostBytes(addr string) ([]byte, int32) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	ip := net.ParseIP(host).To4()
	if ip == nil {
		ip = net.IPv4(127, 0, 0, 1).To4()
	}
	return ip, int32(p)
}

// offsetMsgID is the broker's message id: store host, port, commit offset.
func offsetMsgID(store string, commitOff int64) string {
	ip, port := hostBytes(store)
	b := make([]byte, 16)
	copy(b, ip)
	binary.BigEndian.PutUint32(b[4:], uint32(port))
	binary.BigEndian.PutUint64(b[8:], uint64(commitOff))
	return strings.ToUpper(hex.EncodeToString(b))
}

// encode appends m in the broker's binary message layout, as
// primitive.DecodeMessage reads it.
func (m *message) encode(out []byte, store string) []byte {
	ip, port := hostBytes(store)
	size := 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + len(m.body) + 1 + len(m.topic) + 2 + len(m.properties)
	be := binary.BigEndian
	out = be.AppendUint32(out, uint32(size))
	out = be.AppendUint32(out, magicCode)
	out = be.AppendUint32(out, crc32.ChecksumIEEE(m.body))
	out = be.AppendUint32(out, uint32(m.queueID))
	out = be.AppendUint32(out, uint32(m.flag))
	out = be.AppendUint64(out, uint64(m.queueOff))
	out = be.AppendUint64(out, uint64(m.commitOff))
	out = be.AppendUint32(out, uint32(m.sysFlag&^(flagBornV6|flagStoreV6)))
	out = be.AppendUint64(out, uint64(m.born))
	out = append(out, ip...)
	out = be.AppendUint32(out, uint32(port))
	out = be.AppendUint64(out, uint64(m.stored))
	out = append(out, ip...)
	out = be.AppendUint32(out, uint32(port))
	out = be.AppendUint32(out, uint32(m.reconsume))
	out = be.AppendUint64(out, 0)
	out = be.AppendUint32(out, uint32(len(m.body)))
	out = append(out, m.body...)
	out = append(out, byte(len(m.topic)))
	out = append(out, m.topic...)
	out = be.AppendUint16(out, uint16(len(m.properties)))
	return append(out, m.properties...)
}

// decodeBatch splits a batch-send body (primitive.Message.Marshal layout:
// total, magic, body CRC, flag, body length, body, properties length,
// properties) into messages; nil when malformed.
func decodeBatch(b []byte) []*message {
	var out []*message
	be := binary.BigEndian
	for len(b) > 0 {
		if len(b) < 20 {
			return nil
		}
		total := int(be.Uint32(b))
		if total < 22 || total > len(b) {
			return nil
		}
		rec := b[:total]
		b = b[total:]
		blen := int(be.Uint32(rec[16:]))
		if 20+blen+2 > total {
			return nil
		}
		m := &message{flag: int32(be.Uint32(rec[12:])), body: append([]byte(nil), rec[20:20+blen]...)}
		plen := int(be.Uint16(rec[20+blen:]))
		if 22+blen+plen > total {
			return nil
		}
		m.properties = string(rec[22+blen : 22+blen+plen])
		out = append(out, m)
	}
	return out
}

// props parses a properties string.
func props(s string) map[string]string {
	m := map[string]string{}
	for _, kv := range strings.Split(s, string(propSep)) {
		if k, v, ok := strings.Cut(kv, string(nameValueSep)); ok {
			m[k] = v
		}
	}
	return m
}

// withProp returns s with key set to v (any earlier value removed).
func withProp(s, key, v string) string {
	var b strings.Builder
	for _, kv := range strings.Split(s, string(propSep)) {
		if k, _, ok := strings.Cut(kv, string(nameValueSep)); ok && k != key {
			b.WriteString(kv)
			b.WriteByte(propSep)
		}
	}
	b.WriteString(key)
	b.WriteByte(nameValueSep)
	b.WriteString(v)
	b.WriteByte(propSep)
	return b.String()
}
