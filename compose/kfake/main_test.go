package kfake_test

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/brokerbench/brokerbench/compose/kfake"
)

// TestMain lets this test binary stand in for `brokerbench serve`: run as
// `<test binary> serve kfake ...` it serves instead of testing, so the
// processes-mode tests need no build of the real binary (which serves the
// same kfake.Serve).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := kfake.Serve(context.Background(), os.Args[2:], os.Stdin, os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, "serve:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
