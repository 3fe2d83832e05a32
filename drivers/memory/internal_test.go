package memory

import (
	"context"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
)

func newTestDriver(t *testing.T, partitions int, in Inject) *Driver {
	t.Helper()
	o := DefaultOptions()
	o.Inject = in
	d, err := New(o, drivers.Env{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Setup(context.Background(), []drivers.Destination{{Name: "t", Partitions: partitions}}); err != nil {
		t.Fatal(err)
	}
	return d
}

// logState returns partition part's first retained offset and end.
func logState(d *Driver, part int) (start, end int64) {
	t, _ := d.topic("t")
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.parts[part].start, t.parts[part].end
}

func sendSync(t *testing.T, p drivers.Producer, n int) {
	t.Helper()
	for i := range n {
		buf := make([]byte, 124)
		(&drivers.Envelope{Seq: uint64(i)}).Encode(buf)
		if _, err := p.Send(context.Background(), &drivers.Message{Topic: "t", Payload: buf}); err != nil {
			t.Fatal(err)
		}
	}
}

var held = Inject{From: 0, To: 1, Reorder: 1, ReorderDistance: 3}

func TestReleaseOnProducerClose(t *testing.T) {
	d := newTestDriver(t, 1, held)
	p := newProducer(d, drivers.ProducerConfig{Topic: "t"})
	sendSync(t, p, 2)
	if _, end := logState(d, 0); end != 1 {
		t.Fatalf("log end %d before Close, want 1 (one held)", end)
	}
	p.Close()
	if _, end := logState(d, 0); end != 2 {
		t.Fatalf("log end %d after Close, want 2", end)
	}
}

func TestReleaseOnDriverClose(t *testing.T) {
	d := newTestDriver(t, 1, held)
	p := newProducer(d, drivers.ProducerConfig{Topic: "t"})
	sendSync(t, p, 1)
	d.Close()
	if _, end := logState(d, 0); end != 1 {
		t.Fatalf("log end %d after driver Close, want 1", end)
	}
}

// TestTrim: chunks every group consumed and acked are freed; a group that
// joins later starts at the first retained offset.
func TestTrim(t *testing.T) {
	d := newTestDriver(t, 1, Inject{From: 0, To: 1, ReorderDistance: 1})
	var n int64
	done := make(chan struct{})
	tp, _ := d.topic("t")
	c := newConsumer(tp, drivers.ConsumerConfig{Group: "a"}, func(dl *drivers.Delivery) {
		if err := dl.Ack(); err != nil {
			t.Error(err)
		}
		if n++; n == 5*chunkSize {
			close(done)
		}
	})
	defer c.Close()
	p := newProducer(d, drivers.ProducerConfig{Topic: "t"})
	sendSync(t, p, 5*chunkSize)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("not all delivered")
	}
	start, end := logState(d, 0)
	if start < 3*chunkSize || end != 5*chunkSize {
		t.Fatalf("log [%d, %d) after consuming everything, want start >= %d", start, end, 3*chunkSize)
	}
	first := make(chan int64, 1)
	late := newConsumer(tp, drivers.ConsumerConfig{Group: "late"}, func(dl *drivers.Delivery) {
		select {
		case first <- dl.Offset:
		default:
		}
	})
	defer late.Close()
	if off := <-first; off != start {
		t.Fatalf("late group starts at %d, want %d", off, start)
	}
}

func TestNoTrimWithoutGroups(t *testing.T) {
	d := newTestDriver(t, 1, Inject{From: 0, To: 1, ReorderDistance: 1})
	sendSync(t, newProducer(d, drivers.ProducerConfig{Topic: "t"}), 3*chunkSize)
	if start, _ := logState(d, 0); start != 0 {
		t.Fatalf("log trimmed to %d with no group", start)
	}
}
