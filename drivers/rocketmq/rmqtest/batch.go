package rmqtest

// BatchSends returns how many batch-send requests (code 320) the broker
// stored; their messages count in Sends one by one.
func (b *Broker) BatchSends() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.batches
}

// DeadLetters returns how many messages the broker moved to the
// dead-letter topic of group (%DLQ%<group>) on consumer send-backs.
func (b *Broker) DeadLetters(group string) int {
	n := 0
	for _, q := range b.Stored("%DLQ%" + group) {
		n += q
	}
	return n
}
