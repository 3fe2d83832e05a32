package kafka_test

import (
	"context"
	"testing"
	"time"

	"github.com/brokerbench/brokerbench/compose"
	ckfake "github.com/brokerbench/brokerbench/compose/kfake"
	"github.com/brokerbench/brokerbench/drivers"
	"github.com/brokerbench/brokerbench/drivers/kafka"
)

// startKfake starts an in-process kfake cluster of n nodes, the stand-in
// for Apache Kafka in these tests (kfake is not Kafka: its replication is
// cosmetic), closed when t ends.
func startKfake(t testing.TB, n int) *ckfake.InProcess {
	t.Helper()
	c, err := ckfake.StartInProcess(n, nil, compose.Env{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// openDriver opens the kafka driver on endpoints with opts (nil:
// defaults), closed when t ends.
func openDriver(t testing.TB, endpoints []string, opts *kafka.Options) *kafka.Driver {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := kafka.New(ctx, opts, drivers.Env{Start: time.Now(), Endpoints: endpoints})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}
