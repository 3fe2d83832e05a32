package rocketmq

import (
	"strings"
	"testing"

	"github.com/brokerbench/brokerbench/drivers"
)

func TestOptionsValidate(t *testing.T) {
	if errs := DefaultOptions().Validate(); len(errs) != 0 {
		t.Fatalf("defaults: %v", errs)
	}
	o := DefaultOptions()
	o.Group, o.AccessKey, o.SendTimeout, o.Retries = "", "ak", 0, -1
	o.Consumer.Model, o.Consumer.Order, o.Consumer.Settle = "x", "y", -1
	o.NameServers = []string{""}
	var fields []string
	for _, e := range o.Validate() {
		fields = append(fields, e.Field)
	}
	want := "name_servers[0] group secret_key send_timeout retries consumer.model consumer.order consumer.settle"
	if got := strings.Join(fields, " "); got != want {
		t.Errorf("fields = %q, want %q", got, want)
	}
}

func TestOptionsRedacted(t *testing.T) {
	o := DefaultOptions()
	o.AccessKey, o.SecretKey = "ak-secret", "sk-secret"
	r := o.Redacted().(*Options)
	if r.AccessKey != Redaction || r.SecretKey != Redaction {
		t.Errorf("Redacted keeps secrets: %+v", r)
	}
	if o.AccessKey != "ak-secret" {
		t.Error("Redacted changed the original")
	}
}

func TestOpenNeedsNameServer(t *testing.T) {
	if _, err := New(DefaultOptions(), drivers.Env{}); err == nil {
		t.Error("Open without name servers succeeded")
	}
	d, err := New(DefaultOptions(), drivers.Env{Endpoints: []string{"127.0.0.1:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Info().Nodes; len(got) != 1 || got[0] != "127.0.0.1:1" {
		t.Errorf("nodes = %v", got)
	}
}
