package proxy

import (
	"fmt"
	"sync"

	toxiproxy "github.com/Shopify/toxiproxy/v2"
	"github.com/rs/zerolog"

	"github.com/brokerbench/brokerbench/compose"
)

// Proxy is a running Toxiproxy server with one proxy per cluster node. Its
// methods are safe for concurrent use.
type Proxy struct {
	srv   *toxiproxy.ApiServer
	nodes []string                    // node names, in cluster order
	links map[string]*toxiproxy.Proxy // node name -> its proxy
	addr  map[string]string           // node address -> proxy address

	mu     sync.Mutex
	added  map[string][]added // fault id -> the toxics it added
	closed bool
}

// added is one toxic a fault added, on one node's proxy.
type added struct{ node, name string }

// Start starts a proxy for every node of info, which must be a cluster
// whose clients use only its endpoints.
func Start(info compose.Info) (*Proxy, error) {
	if !info.EndpointsOnly {
		return nil, fmt.Errorf("cluster.proxy: the %s cluster cannot be proxied: its clients also use addresses the nodes advertise (e.g. Kafka metadata), not only its endpoints", info.Backend)
	}
	if len(info.Nodes) == 0 {
		return nil, fmt.Errorf("cluster.proxy: the %s cluster has no nodes", info.Backend)
	}
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	p := &Proxy{srv: srv, links: map[string]*toxiproxy.Proxy{}, addr: map[string]string{}, added: map[string][]added{}}
	for _, nd := range info.Nodes {
		if nd.Addr == "" {
			p.Close()
			return nil, fmt.Errorf("cluster.proxy: node %s has no address", nd.Name)
		}
		tp := toxiproxy.NewProxy(srv, nd.Name, "127.0.0.1:0", nd.Addr)
		if err := srv.Collection.Add(tp, true); err != nil {
			p.Close()
			return nil, fmt.Errorf("cluster.proxy: starting the proxy for %s: %w", nd.Name, err)
		}
		p.nodes = append(p.nodes, nd.Name)
		p.links[nd.Name] = tp
		p.addr[nd.Addr] = tp.Listen // Start has replaced port 0 by the real one
	}
	return p, nil
}

// Nodes returns the proxied node names in cluster order.
func (p *Proxy) Nodes() []string { return append([]string(nil), p.nodes...) }

// Addr returns the address clients use for node (the proxy's).
func (p *Proxy) Addr(node string) (string, bool) {
	tp, ok := p.links[node]
	if !ok {
		return "", false
	}
	return tp.Listen, true
}

// Endpoints rewrites the cluster's endpoints to the proxy addresses.
func (p *Proxy) Endpoints(endpoints []string) ([]string, error) { return Rewrite(endpoints, p.addr) }

// Close stops every proxy (closing the connections through them) and
// forgets the toxics. Idempotent.
func (p *Proxy) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	_ = p.srv.Collection.Clear()
}
