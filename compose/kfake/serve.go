package kfake

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
)

// Ready-line prefixes: the first stdout line of a serve process, which
// the parent waits for.
const (
	// ReadyCore is followed by the nodes' listen addresses, comma-separated,
	// in node id order.
	ReadyCore = "KFAKE-LISTEN"
	// ReadyNode is followed by the node's listen address.
	ReadyNode = "KFAKE-NODE-LISTEN"
)

// Serve runs the hidden `brokerbench serve` command; args start with what
// to serve:
//
//	kfake --brokers N [--ports a,b,c] [--advertise h:p,...] [--data-dir D]
//	      [--partitions P] [--seed-topics t1,t2] [--control]
//	kfake-node --listen h:p --upstream h:p [--exit-on-eof] [--cluster-dir D]
//
// "kfake" runs an N-broker kfake cluster (see the package doc) and prints
// "KFAKE-LISTEN addr,addr,..." on stdout; with --control it answers the
// control protocol on stdin/stdout and exits when stdin closes.
// "kfake-node" runs a node's forwarder and prints "KFAKE-NODE-LISTEN
// addr". Both run until ctx ends, SIGTERM or SIGINT; logs go to stderr.
func Serve(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("serve: what to serve? (kfake, kfake-node)")
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	switch args[0] {
	case "kfake":
		return serveCore(ctx, args[1:], stdin, stdout, log)
	case "kfake-node":
		return serveNode(ctx, args[1:], stdin, stdout)
	}
	return fmt.Errorf("serve: unknown %q (kfake, kfake-node)", args[0])
}

// serveCore runs `serve kfake`.
func serveCore(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve kfake", flag.ContinueOnError)
	brokers := fs.Int("brokers", 3, "number of brokers")
	ports := fs.String("ports", "", "listen ports, comma-separated (default: free ports)")
	advertise := fs.String("advertise", "", "addresses the brokers advertise, comma-separated (nodes behind kfake-node forwarders)")
	dataDir := fs.String("data-dir", "", "kfake persistence directory (default: memory only)")
	partitions := fs.Int("partitions", 4, "default partitions")
	seeds := fs.String("seed-topics", "", "topics to create, comma-separated")
	control := fs.Bool("control", false, "answer the control protocol on stdin/stdout; exit when stdin closes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	s := spec{nodes: *brokers, dataDir: *dataDir, partitions: *partitions, seeds: splitList(*seeds), logger: log}
	var err error
	if s.ports, err = parsePorts(*ports, *brokers); err != nil {
		return err
	}
	if s.advertise = splitList(*advertise); len(s.advertise) != 0 && len(s.advertise) != *brokers {
		return fmt.Errorf("serve kfake: %d --advertise addresses for %d brokers", len(s.advertise), *brokers)
	}
	if *brokers < 1 || *brokers > maxNodes {
		return fmt.Errorf("serve kfake: --brokers must be in 1..%d", maxNodes)
	}
	b, err := build(s)
	if err != nil {
		return err
	}
	defer b.c.Close()
	addrs := make([]string, len(b.ports))
	for i, p := range b.ports {
		addrs[i] = loopback(p)
	}
	if _, err := fmt.Fprintf(stdout, "%s %s\n", ReadyCore, strings.Join(addrs, ",")); err != nil {
		return err
	}
	if *control {
		return serveControl(ctx, b.em, stdin, stdout)
	}
	<-ctx.Done()
	return nil
}

// serveNode runs `serve kfake-node`.
func serveNode(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve kfake-node", flag.ContinueOnError)
	listen := fs.String("listen", "", "client address to listen on (host:port)")
	upstream := fs.String("upstream", "", "the core's listener for this node (host:port)")
	exitOnEOF := fs.Bool("exit-on-eof", false, "exit when stdin closes (the parent is gone)")
	_ = fs.String("cluster-dir", "", "the cluster's directory; unused, but in the command line for `brokerbench heal` to recognise the process")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *listen == "" || *upstream == "" {
		return errors.New("serve kfake-node: --listen and --upstream are required")
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("serve kfake-node: %w", err)
	}
	if _, err := fmt.Fprintf(stdout, "%s %s\n", ReadyNode, ln.Addr()); err != nil {
		_ = ln.Close()
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if *exitOnEOF {
		go func() {
			_, _ = io.Copy(io.Discard, stdin)
			cancel()
		}()
	}
	f := &forwarder{ln: ln, upstream: *upstream, conns: map[net.Conn]struct{}{}}
	f.serve(ctx)
	return nil
}

// parsePorts parses "a,b,c" into n ports; "" is n free ports.
func parsePorts(s string, n int) ([]int, error) {
	parts := splitList(s)
	if len(parts) == 0 {
		return nil, nil
	}
	if len(parts) != n {
		return nil, fmt.Errorf("serve kfake: %d --ports for %d brokers", len(parts), n)
	}
	ports := make([]int, n)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 || v > 65535 {
			return nil, fmt.Errorf("serve kfake: bad port %q", p)
		}
		ports[i] = v
	}
	return ports, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
