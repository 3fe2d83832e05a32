package rocketmq

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/rocketmq-client-go/v2/primitive"

	"github.com/brokerbench/brokerbench/drivers"
)

// defaultDelayLevels is RocketMQ's default messageDelayLevel table.
var defaultDelayLevels = []time.Duration{
	time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 3 * time.Minute, 4 * time.Minute, 5 * time.Minute,
	6 * time.Minute, 7 * time.Minute, 8 * time.Minute, 9 * time.Minute, 10 * time.Minute,
	20 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
}

// DefaultDelayLevels returns RocketMQ's default delay table, the default of
// Options.DelayLevels: levels 1 to 18 wait 1s 5s 10s 30s 1m 2m 3m 4m 5m 6m
// 7m 8m 9m 10m 20m 30m 1h 2h (a fresh copy).
func DefaultDelayLevels() []time.Duration { return slices.Clone(defaultDelayLevels) }

// delayLevelProperty is the user property in which a delayed producer
// repeats the message's delay level. RocketMQ removes its own DELAY
// property when it moves a due message to its real queue, so consumers
// would otherwise not know the delay.
const delayLevelProperty = "BROKERBENCH_DELAY_LEVEL"

// validateDelay checks delay_level and delay_levels.
func (o *Options) validateDelay() []drivers.OptionError {
	var errs []drivers.OptionError
	if len(o.DelayLevels) == 0 {
		errs = append(errs, drivers.OptionError{Field: "delay_levels",
			Msg: "must list the broker's delay table (default RocketMQ's 18 levels, 1s to 2h)"})
	}
	for i, d := range o.DelayLevels {
		if d < 0 {
			errs = append(errs, drivers.OptionError{Field: fmt.Sprintf("delay_levels[%d]", i), Msg: fmt.Sprintf("must be >= 0, got %v", d)})
		}
	}
	if n := len(o.DelayLevels); n > 0 && (o.DelayLevel < 1 || o.DelayLevel > n) {
		errs = append(errs, drivers.OptionError{Field: "delay_level",
			Msg: fmt.Sprintf("must be a delay level 1..%d (%s), got %d", n, levelList(o.DelayLevels), o.DelayLevel)})
	}
	return errs
}

// levelList spells a delay table as "1=1s 2=5s ...".
func levelList(levels []time.Duration) string {
	parts := make([]string, len(levels))
	for i, d := range levels {
		parts[i] = fmt.Sprintf("%d=%s", i+1, shortDuration(d))
	}
	return strings.Join(parts, " ")
}

// shortDuration spells d without trailing zero units (1m, 2h, 1m30s).
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// withDelay marks msg with delay level lvl (0: not delayed): RocketMQ's
// DELAY property, which the broker acts on, and delayLevelProperty, which
// survives the broker's move to the real queue.
func withDelay(msg *primitive.Message, lvl int) *primitive.Message {
	if lvl > 0 {
		msg.WithDelayTimeLevel(lvl)
		msg.WithProperty(delayLevelProperty, strconv.Itoa(lvl))
	}
	return msg
}

// deliveryDelay is the delay a delivered message was sent with: its delay
// level (RocketMQ's DELAY property if still present, else
// delayLevelProperty) looked up in Options.DelayLevels, the broker's
// table; levels past the table use its last entry, as the broker does. 0
// for a message without a delay level.
func (d *Driver) deliveryDelay(m *primitive.MessageExt) time.Duration {
	s := m.GetProperty(primitive.PropertyDelayTimeLevel)
	if s == "" {
		s = m.GetProperty(delayLevelProperty)
	}
	lvl, err := strconv.Atoi(s)
	levels := d.opts.DelayLevels
	if err != nil || lvl <= 0 || len(levels) == 0 {
		return 0
	}
	return levels[min(lvl, len(levels))-1]
}
