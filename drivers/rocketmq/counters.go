package rocketmq

import "github.com/brokerbench/brokerbench/drivers"

var _ drivers.Counters = (*Driver)(nil)

// Counters returns the driver's counters, read by the harness after every
// producer and consumer closed: once a transactional producer was opened,
// tx_commit, tx_rollback and tx_unknown (local transaction states
// returned, one per half message the broker accepted) and
// tx_checkback_commit and tx_checkback_rollback (check-back answers
// given, one per check the broker sent). Safe for concurrent use.
func (d *Driver) Counters() map[string]int64 {
	out := map[string]int64{}
	d.tx.add(out)
	return out
}
