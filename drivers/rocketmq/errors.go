package rocketmq

import (
	"errors"
	"strings"

	rmqerrors "github.com/apache/rocketmq-client-go/v2/errors"

	"github.com/brokerbench/brokerbench/drivers"
)

// classify marks the send errors that say the message was definitely not
// written as drivers.Fail: no route for the topic (nothing was sent), a
// refused connection (nothing was sent), and a broker's explicit error
// response ("CODE: n, DESC: ..."; the broker refused the message). Every
// other error (timeouts, connections lost mid-request) leaves the outcome
// unknown. With Options.Retries > 0 the client returns only its last
// attempt's error, so a retried send classified as failed may have been
// written by an earlier attempt that timed out.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, rmqerrors.ErrTopicNotExist) {
		return drivers.Fail(err)
	}
	s := err.Error()
	for _, definite := range []string{"route info not found", "connection refused", "CODE: ", "topic not exist"} {
		if strings.Contains(s, definite) {
			return drivers.Fail(err)
		}
	}
	return err
}
