package progress

import (
	"sync"
	"testing"
)

func TestOrderIndependent(t *testing.T) {
	tr := New(2)
	for s := uint64(0); s < 3*msgsPerChunk; s += 7 {
		tr.Reserve(1, s)
	}
	// delivered before acked, acked before delivered, duplicates, never acked.
	if !tr.Delivered(1, 5) || tr.Delivered(1, 5) {
		t.Fatal("first delivery must be reported once")
	}
	tr.Acked(1, 5)
	tr.Acked(1, 70000)
	tr.Delivered(1, 70000)
	tr.Delivered(1, 70000)
	tr.Delivered(1, 9) // never acked (unknown outcome)
	tr.Acked(1, 11)    // never delivered
	a, m, d := tr.Counts()
	if a != 3 || m != 2 || d != 3 {
		t.Fatalf("counts = %d %d %d, want 3 2 3", a, m, d)
	}
	if tr.Complete() {
		t.Fatal("complete though seq 11 is undelivered")
	}
	tr.Delivered(1, 11)
	if !tr.Complete() {
		t.Fatal("not complete though every acked message was delivered")
	}
	if tr.Delivered(0, 1) || tr.Delivered(7, 1) || tr.Delivered(1, 1<<40) {
		t.Fatal("unreserved or unknown messages must be ignored")
	}
}

func TestConcurrent(t *testing.T) {
	const n = 200000
	tr := New(1)
	tr.Reserve(0, n-1)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for s := uint64(0); s < n; s++ {
			tr.Acked(0, s)
		}
	}()
	go func() {
		defer wg.Done()
		for s := uint64(n); s > 0; s-- {
			tr.Delivered(0, s-1)
		}
	}()
	wg.Wait()
	if a, m, d := tr.Counts(); a != n || m != n || d != n {
		t.Fatalf("counts = %d %d %d, want all %d", a, m, d, n)
	}
}
