package rocketmq

import (
	"os"
	"path/filepath"

	"github.com/brokerbench/brokerbench/drivers"
)

var _ drivers.Broadcaster = (*Driver)(nil)

// Broadcasting reports whether the consumers use the broadcasting model
// (consumer.model broadcasting): each gets every message, so the harness
// checks each consumer as a subscriber of its own (drivers.Broadcaster).
func (d *Driver) Broadcasting() bool { return d.opts.Consumer.Model == "broadcasting" }

// Broadcasting consumers keep their offsets in local files, not on the
// broker: client v2.1.2 writes them to
// <dir>/<group>/<client ip>@<instance>/offset.json (its call swaps the
// arguments of NewLocalFileOffsetStore, so the group comes first), where
// dir is the
// environment variable rocketmq.client.localOffsetStoreDir or else
// $HOME/.rocketmq_client_go, both read once when the client package is
// initialised. The driver gives every consumer an instance name unique
// to the process (pid and a sequence number), so such a file is never
// read again; the consumer removes its directory (and the group's and
// the base directory, when they are left empty) when it closes.

// offsetStoreEnv is the variable the client reads its offset directory
// from.
const offsetStoreEnv = "rocketmq.client.localOffsetStoreDir"

// localOffsetDir returns the directory under which client v2.1.2 keeps
// broadcasting offsets, computed as the client computes it.
func localOffsetDir() string {
	if d := os.Getenv(offsetStoreEnv); d != "" {
		return d
	}
	return filepath.Join(os.Getenv("HOME"), ".rocketmq_client_go")
}

// removeOffsets removes the local offset files of a broadcasting
// consumer's client instance (c.offsets; nothing for clustering). Errors
// are ignored: a leftover file is harmless, only untidy.
func (c *Consumer) removeOffsets() {
	if c.offsets == "" {
		return
	}
	dirs, _ := filepath.Glob(filepath.Join(localOffsetDir(), "*", "*@"+c.offsets))
	for _, dir := range dirs {
		_ = os.RemoveAll(dir)
		_ = os.Remove(filepath.Dir(dir)) // only if no other instance's is left
	}
	if len(dirs) > 0 {
		_ = os.Remove(localOffsetDir()) // only if empty
	}
}
