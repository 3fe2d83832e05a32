package netns_test

import (
	"context"
	"net"
)

type netDialer struct{ net.Dialer }

func (d *netDialer) dial(ctx context.Context, addr string) error {
	c, err := d.DialContext(ctx, "tcp", addr)
	if err == nil {
		c.Close()
	}
	return err
}
