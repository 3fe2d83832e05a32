package rabbitmq_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/compose"
	"github.com/brokerbench/brokerbench/compose/rabbitmq"
)

func TestOptionsValidate(t *testing.T) {
	if errs := rabbitmq.DefaultOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults: %v", errs)
	}
	o := &rabbitmq.Options{BasePort: 80, NetTicktime: 0, Server: "rabbitmq-server", PartitionHandling: "ignore"}
	var fields []string
	for _, e := range o.Validate() {
		fields = append(fields, e.Field)
	}
	if got, want := strings.Join(fields, ","), "base_port,net_ticktime,server"; got != want {
		t.Errorf("invalid fields %s, want %s", got, want)
	}
	o = rabbitmq.DefaultOptions()
	o.NetNS, o.BasePort, o.PartitionHandling = true, 20000, "heal"
	var msgs []string
	for _, e := range o.Validate() {
		msgs = append(msgs, e.Error())
	}
	want := `partition_handling: unknown value "heal" (allowed: ignore, pause_minority, autoheal)|base_port: must be 0 with netns: true`
	if got := strings.Join(msgs, "|"); !strings.HasPrefix(got, want) {
		t.Errorf("netns options: %s\nwant %s...", got, want)
	}
	if _, ok := rabbitmq.Factory.Options().(*rabbitmq.Options); !ok || rabbitmq.Factory.Name != "rabbitmq-local" {
		t.Errorf("Factory: name %q, options %T", rabbitmq.Factory.Name, rabbitmq.Factory.Options())
	}
}

func TestNotInstalledSaysHowToInstall(t *testing.T) {
	o := rabbitmq.DefaultOptions()
	o.Server = "/nonexistent/rabbitmq/bin/rabbitmq-server"
	dir := t.TempDir()
	_, err := rabbitmq.Factory.Start(context.Background(), 1, o, compose.Env{Dir: dir})
	if !errors.Is(err, rabbitmq.ErrNotInstalled) {
		t.Fatalf("error %v, want ErrNotInstalled", err)
	}
	for _, want := range []string{"apt-get install rabbitmq-server", "docker compose", o.Server} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
