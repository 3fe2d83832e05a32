package rabbitmq

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

// ErrNotInstalled is returned (wrapped) by Start when rabbitmq-server,
// rabbitmqctl or epmd cannot be found. Its message says how to install them.
var ErrNotInstalled = errors.New("rabbitmq-server is not installed")

// installHint tells the user how to get a local RabbitMQ.
const installHint = "install it with `apt-get install rabbitmq-server` " +
	"(Debian/Ubuntu, as root; the package's own service is not needed: " +
	"`printf '#!/bin/sh\\nexit 101\\n' > /usr/sbin/policy-rc.d` before installing keeps it from starting), " +
	"or run RabbitMQ with docker compose instead (a later backend)"

// tools are the executables a local cluster needs.
type tools struct {
	server, ctl, epmd string
}

// findTools checks that the server script, rabbitmqctl and epmd exist.
func findTools(o *Options) (tools, error) {
	t := tools{server: o.Server, ctl: o.ctlPath()}
	for _, p := range []string{t.server, t.ctl} {
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			return t, fmt.Errorf("rabbitmq-local: %w: %s not found; %s", ErrNotInstalled, p, installHint)
		}
	}
	epmd, err := exec.LookPath("epmd")
	if err != nil {
		return t, fmt.Errorf("rabbitmq-local: %w: epmd (Erlang) not found in PATH; %s", ErrNotInstalled, installHint)
	}
	t.epmd = epmd
	return t, nil
}
