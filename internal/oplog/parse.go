package oplog

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseID returns the producer or consumer id in the name of an op log made
// by SendPath or DeliveryPath: ".../producer-0007.ops" and
// ".../consumer-0007.ops" both give 7. Only the base name is looked at.
func ParseID(path string) (int, error) {
	base := filepath.Base(path)
	rest, ok := strings.CutSuffix(base, ".ops")
	if ok {
		if r, cut := strings.CutPrefix(rest, "producer-"); cut {
			rest = r
		} else if r, cut := strings.CutPrefix(rest, "consumer-"); cut {
			rest = r
		} else {
			ok = false
		}
	}
	if !ok {
		return 0, fmt.Errorf("op log name %q: want producer-NNNN.ops or consumer-NNNN.ops", base)
	}
	id, err := strconv.ParseUint(rest, 10, 31)
	if err != nil {
		return 0, fmt.Errorf("op log name %q: bad id: %w", base, err)
	}
	return int(id), nil
}
