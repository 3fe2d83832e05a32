package rocketmq

import (
	"strings"

	"github.com/brokerbench/brokerbench/drivers"
)

// kinds are the message kinds the driver supports besides plain
// (Factory.Kinds).
var kinds = []drivers.Kind{drivers.KindOrdered, drivers.KindDelayed, drivers.KindTransactional, drivers.KindBatch}

// kindList spells plain and kinds for error messages.
func kindList() string {
	names := []string{string(drivers.KindPlain)}
	for _, k := range kinds {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}
