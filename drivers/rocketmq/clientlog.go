package rocketmq

import (
	"fmt"
	"log"
	"sort"
	"strings"

	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// quietClientLog replaces the client's process-wide logger (rlog) with
// clientLogger.
func quietClientLog() { rlog.SetLogger(clientLogger{}) }

// expectedClientErrors are client error messages that are normal for this
// driver: SendMessageInTransaction logs one for every local transaction
// that does not commit, which the transactional kind does on purpose.
var expectedClientErrors = []string{"executeLocalTransaction but state unexpected"}

// clientLogger writes the client's errors and fatal messages to the
// standard logger, except expectedClientErrors, and drops the rest (the
// client's debug, info and warning output is very noisy).
type clientLogger struct{}

var _ rlog.Logger = clientLogger{}

func (clientLogger) Debug(string, map[string]interface{})   {}
func (clientLogger) Info(string, map[string]interface{})    {}
func (clientLogger) Warning(string, map[string]interface{}) {}
func (clientLogger) Level(string)                           {}
func (clientLogger) OutputPath(string) error                { return nil }

func (clientLogger) Error(msg string, fields map[string]interface{}) {
	for _, e := range expectedClientErrors {
		if msg == e {
			return
		}
	}
	log.Print("rocketmq client error: " + msg + formatFields(fields))
}

func (clientLogger) Fatal(msg string, fields map[string]interface{}) {
	log.Print("rocketmq client fatal: " + msg + formatFields(fields))
}

// formatFields spells fields as " k=v" pairs in key order.
func formatFields(fields map[string]interface{}) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, fields[k])
	}
	return b.String()
}
