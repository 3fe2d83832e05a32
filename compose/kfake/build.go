package kfake

import (
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kfake"
)

// spec describes one kfake cluster to build.
type spec struct {
	nodes      int
	ports      []int    // listen port per node; 0 or nil: free ports
	advertise  []string // address node i advertises; nil: its listen address
	dataDir    string   // kfake persistence; "" keeps everything in memory
	partitions int      // default partitions
	seeds      []string // seed topics
	logger     *slog.Logger
}

// built is a running kfake cluster with its crash emulator.
type built struct {
	c     *kfake.Cluster
	em    *emulator
	ports []int // listen port of node i
}

// build starts a kfake cluster of s.nodes brokers (node ids 0..n-1) whose
// listeners track their connections.
func build(s spec) (*built, error) {
	ls := newListeners(s.advertise)
	ports := make([]int, s.nodes)
	copy(ports, s.ports)
	opts := []kfake.Opt{
		kfake.NumBrokers(s.nodes),
		kfake.Ports(ports...),
		kfake.ListenFn(ls.listen),
		kfake.DefaultNumPartitions(s.partitions),
		kfake.WithLogger(kfakeLogger{s.logger}),
	}
	if len(s.seeds) > 0 {
		opts = append(opts, kfake.SeedTopics(int32(s.partitions), s.seeds...))
	}
	if s.dataDir != "" {
		opts = append(opts, kfake.DataDir(s.dataDir))
	}
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("kfake: starting %d nodes: %w", s.nodes, err)
	}
	made := ls.made()
	if len(made) != s.nodes {
		c.Close()
		return nil, fmt.Errorf("kfake: %d listeners for %d nodes", len(made), s.nodes)
	}
	byID := make(map[int32]int, s.nodes)
	for i, p := range made {
		byID[int32(i)] = p
	}
	return &built{c: c, em: newEmulator(c, ls, byID), ports: made}, nil
}

// kfakeLogger sends kfake's warnings and errors to slog (nil: nowhere).
type kfakeLogger struct{ l *slog.Logger }

// Logf logs one kfake message.
func (k kfakeLogger) Logf(level kfake.LogLevel, msg string, args ...any) {
	if k.l == nil {
		return
	}
	switch level {
	case kfake.LogLevelError:
		k.l.Error("kfake: " + fmt.Sprintf(msg, args...))
	case kfake.LogLevelWarn:
		k.l.Warn("kfake: " + fmt.Sprintf(msg, args...))
	}
}
