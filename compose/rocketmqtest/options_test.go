package rocketmqtest

import (
	"strings"
	"testing"
	"time"
)

func TestOptionsValidate(t *testing.T) {
	if errs := DefaultOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults invalid: %v", errs)
	}
	cases := []struct {
		name  string
		edit  func(*Options)
		field string
		msg   string
	}{
		{"queues low", func(o *Options) { o.Queues = 0 }, "queues", "must be in 1..1024, got 0"},
		{"queues high", func(o *Options) { o.Queues = 1025 }, "queues", "must be in 1..1024"},
		{"retry delay", func(o *Options) { o.RetryDelay = 0 }, "retry_delay", "must be > 0"},
		{"pull wait", func(o *Options) { o.PullWait = 2 * time.Minute }, "pull_wait", "<= 1m"},
		{"topic chars", func(o *Options) { o.Topics = []string{"ok", "a/b"} }, "topics[1]", "not a RocketMQ topic name"},
		{"system topic", func(o *Options) { o.Topics = []string{"%RETRY%g"} }, "topics[0]", "not a RocketMQ topic name"},
		{"empty topic", func(o *Options) { o.Topics = []string{""} }, "topics[0]", "not a RocketMQ topic name"},
		{"long topic", func(o *Options) { o.Topics = []string{strings.Repeat("t", 128)} }, "topics[0]", "1-127"},
		{"twice", func(o *Options) { o.Topics = []string{"a", "a"} }, "topics[1]", "listed twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			tc.edit(o)
			errs := o.Validate()
			if len(errs) != 1 || errs[0].Field != tc.field || !strings.Contains(errs[0].Msg, tc.msg) {
				t.Errorf("errors %v, want one on %s containing %q", errs, tc.field, tc.msg)
			}
		})
	}
}
