package rabbitmq

import "testing"

func TestRing(t *testing.T) {
	var r ring
	for tag := uint64(1); tag <= 40; tag++ {
		r.push(entry{tag: tag})
	}
	for want := uint64(1); want <= 25; want++ { // wrap the buffer
		if e, ok := r.pop(); !ok || e.tag != want {
			t.Fatalf("pop = %d, %v; want %d", e.tag, ok, want)
		}
		r.push(entry{tag: 40 + want})
	}
	if r.len() != 40 {
		t.Fatalf("len %d, want 40", r.len())
	}
	if e := r.find(30); e == nil || e.tag != 30 {
		t.Fatalf("find(30) = %+v", e)
	}
	if r.find(25) != nil || r.find(66) != nil {
		t.Fatal("find outside the ring found something")
	}
	if r.popBack(64) || !r.popBack(65) || r.len() != 39 {
		t.Fatalf("popBack: len %d", r.len())
	}
	all := r.drain()
	if len(all) != 39 || all[0].tag != 26 || all[38].tag != 64 || r.len() != 0 {
		t.Fatalf("drain: %d entries, first %d, last %d", len(all), all[0].tag, all[len(all)-1].tag)
	}
	if _, ok := r.pop(); ok {
		t.Fatal("pop of an empty ring")
	}
}

func TestKeyPartitionAndQueueNames(t *testing.T) {
	if got := queueNames("q", 1); len(got) != 1 || got[0] != "q" {
		t.Errorf("queueNames(q, 1) = %v", got)
	}
	if got := queueNames("q", 3); len(got) != 3 || got[2] != "q.2" {
		t.Errorf("queueNames(q, 3) = %v", got)
	}
	if p := keyPartition([]byte("key-1"), 4); p < 0 || p >= 4 || p != keyPartition([]byte("key-1"), 4) {
		t.Errorf("keyPartition = %d", p)
	}
}
