package oplog

import (
	"fmt"
	"path/filepath"
	"sort"
)

// Dir is the sub-directory of a run directory that holds the op logs.
const Dir = "ops"

// SendPath is the op log of producer id inside runDir.
func SendPath(runDir string, id int) string {
	return filepath.Join(runDir, Dir, fmt.Sprintf("producer-%04d.ops", id))
}

// DeliveryPath is the op log of consumer id inside runDir.
func DeliveryPath(runDir string, id int) string {
	return filepath.Join(runDir, Dir, fmt.Sprintf("consumer-%04d.ops", id))
}

// SendPaths lists the producer op logs of runDir, sorted.
func SendPaths(runDir string) ([]string, error) {
	return glob(filepath.Join(runDir, Dir, "producer-*.ops"))
}

// DeliveryPaths lists the consumer op logs of runDir, sorted.
func DeliveryPaths(runDir string) ([]string, error) {
	return glob(filepath.Join(runDir, Dir, "consumer-*.ops"))
}

func glob(pattern string) ([]string, error) {
	m, err := filepath.Glob(pattern)
	sort.Strings(m)
	return m, err
}
