package proxy

import (
	"fmt"
	"net/url"
	"strings"
)

// Rewrite returns endpoints with each node address replaced by its proxy
// address, per addr (node host:port -> proxy host:port). An endpoint is
// either host:port or a URL with a host:port ("amqp://u:p@127.0.0.1:5672/vh");
// a URL keeps everything but its host:port. An endpoint whose address is
// not a proxied node's is an error: the driver would bypass the proxy.
func Rewrite(endpoints []string, addr map[string]string) ([]string, error) {
	out := make([]string, len(endpoints))
	for i, e := range endpoints {
		if !strings.Contains(e, "://") {
			to, ok := addr[e]
			if !ok {
				return nil, fmt.Errorf("endpoint %q is not the address of a proxied node", e)
			}
			out[i] = to
			continue
		}
		u, err := url.Parse(e)
		if err != nil {
			return nil, fmt.Errorf("endpoint %d: %w", i, err)
		}
		to, ok := addr[u.Host]
		if !ok {
			return nil, fmt.Errorf("endpoint %q: %q is not the address of a proxied node", u.Redacted(), u.Host)
		}
		u.Host = to
		out[i] = u.String()
	}
	return out, nil
}
