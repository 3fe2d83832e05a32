package rmqtest

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// command is one remoting frame (request or response).
type command struct {
	Code      int16             `json:"code"`
	Language  string            `json:"language"`
	Version   int16             `json:"version"`
	Opaque    int32             `json:"opaque"`
	Flag      int32             `json:"flag"`
	Remark    string            `json:"remark"`
	ExtFields map[string]string `json:"extFields"`
	Body      []byte            `json:"-"`
}

const (
	flagResponse = 1
	flagOneway   = 2
	maxFrame     = 64 << 20
)

// readCommand reads one frame: int32 total length, int32 header length (top
// byte: serialization type, 0 = JSON), header, body.
func readCommand(r *bufio.Reader) (*command, error) {
	var hdr [8]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	total := int(binary.BigEndian.Uint32(hdr[:4]))
	rawLen := binary.BigEndian.Uint32(hdr[4:])
	if rawLen>>24 != 0 {
		return nil, fmt.Errorf("rmqtest: only the JSON header codec is supported, got type %d", rawLen>>24)
	}
	hlen := int(rawLen & 0xFFFFFF)
	if total < 4+hlen || total > maxFrame {
		return nil, errors.New("rmqtest: bad frame length")
	}
	buf := make([]byte, total-4)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	c := &command{}
	if err := json.Unmarshal(buf[:hlen], c); err != nil {
		return nil, fmt.Errorf("rmqtest: header: %w", err)
	}
	if len(buf) > hlen {
		c.Body = buf[hlen:]
	}
	return c, nil
}

// encode returns c as one frame.
func (c *command) encode() []byte {
	h, _ := json.Marshal(c)
	out := make([]byte, 8, 8+len(h)+len(c.Body))
	binary.BigEndian.PutUint32(out, uint32(4+len(h)+len(c.Body)))
	binary.BigEndian.PutUint32(out[4:], uint32(len(h)))
	out = append(out, h...)
	return append(out, c.Body...)
}

// response builds the reply to req.
func response(req *command, code int16, remark string) *command {
	return &command{Code: code, Language: "JAVA", Version: req.Version, Opaque: req.Opaque,
		Flag: flagResponse, Remark: remark, ExtFields: map[string]string{}}
}

// Response codes used by the broker.
const (
	codeSuccess       = 0
	codeError         = 1
	codeNotSupported  = 3
	codeTopicNotExist = 17
	codePullNotFound  = 19
	codePullMoved     = 21
	codeQueryNotFound = 22
)

// Request codes handled.
const (
	reqSend           = 10
	reqPull           = 11
	reqQueryOffset    = 14
	reqUpdateOffset   = 15
	reqCreateTopic    = 17
	reqSearchOffset   = 29
	reqMaxOffset      = 30
	reqMinOffset      = 31
	reqHeartbeat      = 34
	reqUnregister     = 35
	reqSendBack       = 36
	reqEndTransaction = 37
	reqConsumerList   = 38
	reqLock           = 41
	reqUnlock         = 42
	reqRoute          = 105
	reqBatchSend      = 320
)
