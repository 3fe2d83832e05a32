package memory_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/memory"
)

func TestDefaultOptions(t *testing.T) {
	o, ok := memory.Factory.Options().(*memory.Options)
	if !ok {
		t.Fatalf("Factory.Options() is %T", memory.Factory.Options())
	}
	want := memory.Inject{Seed: 1, From: 100, To: 2100, ReorderDistance: 3}
	if o.Inject != want || o.AckLatency != 0 || o.Stalls != nil {
		t.Fatalf("defaults %+v", o)
	}
	if errs := o.Validate(); len(errs) != 0 {
		t.Fatalf("defaults do not validate: %v", errs)
	}
	if memory.Factory.Name != "memory" {
		t.Fatalf("Factory.Name = %q", memory.Factory.Name)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		edit   func(o *memory.Options)
		fields []string
	}{
		{"negative latencies", func(o *memory.Options) {
			o.AckLatency, o.AckJitter, o.DeliveryLatency = -1, -1, -1
		}, []string{"ack_latency", "ack_jitter", "delivery_latency"}},
		{"bad stall", func(o *memory.Options) {
			o.Stalls = []memory.Stall{{At: time.Second, For: time.Second}, {At: -1, For: 0}}
		}, []string{"stalls[1].at", "stalls[1].for"}},
		{"empty window", func(o *memory.Options) { o.Inject.From, o.Inject.To = 5, 5 }, []string{"inject.to"}},
		{"negative from", func(o *memory.Options) { o.Inject.From = -1 }, []string{"inject.from"}},
		{"negative counts", func(o *memory.Options) {
			o.Inject.Drop, o.Inject.Duplicate, o.Inject.Redeliver, o.Inject.Reorder = -1, -2, -3, -4
		}, []string{"inject.drop", "inject.duplicate", "inject.redeliver", "inject.reorder"}},
		{"too many", func(o *memory.Options) {
			o.Inject.From, o.Inject.To, o.Inject.Drop, o.Inject.Reorder = 0, 10, 6, 5
		}, []string{"inject"}},
		{"distance", func(o *memory.Options) { o.Inject.ReorderDistance = 0 }, []string{"inject.reorder_distance"}},
		{"window full is fine", func(o *memory.Options) {
			o.Inject.From, o.Inject.To, o.Inject.Drop, o.Inject.Reorder = 0, 10, 5, 5
		}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := memory.DefaultOptions()
			tc.edit(o)
			var fields []string
			for _, e := range o.Validate() {
				fields = append(fields, e.Field)
				if e.Msg == "" {
					t.Errorf("%s: empty message", e.Field)
				}
			}
			if !slices.Equal(fields, tc.fields) {
				t.Fatalf("fields %v, want %v", fields, tc.fields)
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	if _, err := memory.Factory.Open(context.Background(), &struct{ drivers.Options }{}, drivers.Env{}); err == nil {
		t.Error("Open accepted foreign options")
	}
	bad := memory.DefaultOptions()
	bad.Inject.To = 0
	if _, err := memory.New(bad, drivers.Env{}); err == nil {
		t.Error("New accepted invalid options")
	}
}
