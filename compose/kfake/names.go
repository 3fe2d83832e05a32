package kfake

import (
	"fmt"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
)

// StandIn labels everything that comes from this backend. The driver
// (drivers/kafka.KfakeStandIn) uses the same words.
const StandIn = "kfake (Kafka-protocol emulator, not Apache Kafka)"

// kfakeModule is the module path whose version Info reports.
const kfakeModule = "github.com/twmb/franz-go/pkg/kfake"

// nodePrefix starts every node name; the rest is kfake's node id.
const nodePrefix = "kfake-"

// nodeName is the name of node id ("kfake-0", the id clients see in
// metadata).
func nodeName(id int32) string { return fmt.Sprintf("%s%d", nodePrefix, id) }

// parseNode returns the node id of a node name, checked against n nodes.
func parseNode(name string, n int) (int32, error) {
	s, ok := strings.CutPrefix(name, nodePrefix)
	id, err := strconv.Atoi(s)
	if !ok || err != nil || id < 0 || id >= n {
		return -1, fmt.Errorf("kfake: no node %q (nodes are %s0..%s%d)", name, nodePrefix, nodePrefix, n-1)
	}
	return int32(id), nil
}

// parseResource splits "topic/partition".
func parseResource(r string) (string, int32, error) {
	i := strings.LastIndexByte(r, '/')
	if i <= 0 {
		return "", 0, fmt.Errorf("kfake: resource %q: want topic/partition", r)
	}
	p, err := strconv.ParseInt(r[i+1:], 10, 32)
	if err != nil || p < 0 {
		return "", 0, fmt.Errorf("kfake: resource %q: bad partition", r)
	}
	return r[:i], int32(p), nil
}

// kfakeVersion is the kfake module version in this binary, "" when the
// build has no module information.
func kfakeVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, m := range bi.Deps {
		if m.Path == kfakeModule {
			return kfakeModule + " " + m.Version
		}
	}
	return ""
}

// loopback is host:port on 127.0.0.1.
func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
