package kfake

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sort"
	"strconv"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
)

// emulator turns kfake's membership hooks into node crashes and restarts,
// for one *kfake.Cluster whose listeners come from ls:
//
//   - down: remove the node (kfake closes its listener and re-elects a
//     leader for every partition at random), reset every connection it
//     had accepted (so clients see a dead broker at once, idle or not),
//     then move back the leaders kfake moved off nodes that are still up,
//     so that only the dead node's partitions change leader, as with
//     Kafka;
//   - up: add the node back on its port (kfake re-elects at random
//     again), then restore every leader as it was: the restarted node
//     leads nothing until leaders are moved, like a Kafka broker before
//     preferred-leader election.
//
// Between kfake's random re-election and the restore, clients may see
// NOT_LEADER for partitions of live nodes for a moment. Safe for
// concurrent use; operations are serialised.
type emulator struct {
	c     *kfake.Cluster
	ls    *listeners
	mu    sync.Mutex
	ports map[int32]int // node id → listen port (stable across restarts)
	down  map[int32]bool
}

func newEmulator(c *kfake.Cluster, ls *listeners, ports map[int32]int) *emulator {
	return &emulator{c: c, ls: ls, ports: ports, down: map[int32]bool{}}
}

// errUnknownNode is returned for a node id the cluster never had.
var errUnknownNode = errors.New("unknown node")

// isDown reports whether node is down.
func (e *emulator) isDown(node int32) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.down[node]
}

// nodeDown crashes node; a node already down is left alone.
func (e *emulator) nodeDown(ctx context.Context, node int32) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	port, ok := e.ports[node]
	if !ok {
		return fmt.Errorf("node %d: %w", node, errUnknownNode)
	}
	if e.down[node] {
		return nil
	}
	before, err := e.leaders(ctx, node)
	if err != nil {
		return err
	}
	if err := e.c.RemoveNode(node); err != nil {
		return fmt.Errorf("removing node %d: %w", node, err)
	}
	e.down[node] = true
	e.ls.cut(port)
	e.restore(before, node)
	return nil
}

// nodeUp restarts node on its port; a node already up is left alone.
func (e *emulator) nodeUp(ctx context.Context, node int32) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	port, ok := e.ports[node]
	if !ok {
		return fmt.Errorf("node %d: %w", node, errUnknownNode)
	}
	if !e.down[node] {
		return nil
	}
	before, err := e.leaders(ctx, -1)
	if err != nil {
		return err
	}
	if _, _, err := e.c.AddNode(node, port); err != nil {
		return fmt.Errorf("adding node %d back on port %d: %w", node, port, err)
	}
	delete(e.down, node)
	e.restore(before, -1)
	return nil
}

// leader returns the node leading topic/partition.
func (e *emulator) leader(topic string, partition int32) (int32, error) {
	n := e.c.LeaderFor(topic, partition)
	if n < 0 {
		return -1, fmt.Errorf("%s/%d: no such partition", topic, partition)
	}
	return n, nil
}

// move makes node the leader of topic/partition.
func (e *emulator) move(topic string, partition, node int32) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.ports[node]; !ok {
		return fmt.Errorf("node %d: %w", node, errUnknownNode)
	}
	if e.down[node] {
		return fmt.Errorf("node %d is down", node)
	}
	return e.c.MoveTopicPartition(topic, partition, node)
}

// partitionKey names a partition.
type partitionKey struct {
	topic     string
	partition int32
}

// leaders reads every partition's leader through a metadata request to a
// node that is up and not skip.
func (e *emulator) leaders(ctx context.Context, skip int32) (map[partitionKey]int32, error) {
	var addr string
	for _, id := range sortedIDs(e.ports) {
		if id != skip && !e.down[id] {
			addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(e.ports[id]))
			break
		}
	}
	if addr == "" {
		return nil, errors.New("no node left up")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := (&kafka.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("reading leaders from %s: %w", addr, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	parts, err := conn.ReadPartitions()
	if err != nil {
		return nil, fmt.Errorf("reading leaders from %s: %w", addr, err)
	}
	out := make(map[partitionKey]int32, len(parts))
	for _, p := range parts {
		out[partitionKey{p.Topic, int32(p.ID)}] = int32(p.Leader.ID)
	}
	return out, nil
}

// restore moves each partition back to its leader in before, unless that
// leader is dead (the partitions of a crashed node keep their new leader).
func (e *emulator) restore(before map[partitionKey]int32, dead int32) {
	for k, leader := range before {
		if leader == dead || e.down[leader] {
			continue
		}
		if e.c.LeaderFor(k.topic, k.partition) != leader {
			_ = e.c.MoveTopicPartition(k.topic, k.partition, leader)
		}
	}
}

func sortedIDs(m map[int32]int) []int32 {
	ids := make([]int32, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
