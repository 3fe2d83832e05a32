package rmqtest

import (
	"bufio"
	"net"
	"sync"
)

// server is one listener (name server or broker) with its connections.
// Each request runs on its own goroutine (a pull may wait), replies are
// written under the connection's lock.
type server struct {
	ln     net.Listener
	handle func(c *conn, req *command) *command
	onDrop func(c *conn)

	mu     sync.Mutex
	conns  map[*conn]struct{}
	closed bool
	stop   chan struct{}
	wg     sync.WaitGroup
}

// conn is one client connection.
type conn struct {
	nc net.Conn
	mu sync.Mutex
}

// write sends one frame; errors close the connection (the reader ends).
func (c *conn) write(cmd *command) {
	b := cmd.encode()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := c.nc.Write(b); err != nil {
		_ = c.nc.Close()
	}
}

func newServer(handle func(*conn, *command) *command, onDrop func(*conn)) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{ln: ln, handle: handle, onDrop: onDrop, conns: map[*conn]struct{}{}, stop: make(chan struct{})}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

func (s *server) addr() string { return s.ln.Addr().String() }

func (s *server) accept() {
	defer s.wg.Done()
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			return
		}
		c := &conn{nc: nc}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			_ = nc.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c)
	}
}

func (s *server) serve(c *conn) {
	defer s.wg.Done()
	defer func() {
		_ = c.nc.Close()
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		if s.onDrop != nil {
			s.onDrop(c)
		}
	}()
	r := bufio.NewReader(c.nc)
	for {
		req, err := readCommand(r)
		if err != nil {
			return
		}
		if req.Flag&flagResponse != 0 {
			continue // a client's answer to a notification
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return
		}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			resp := s.handle(c, req)
			if resp != nil && req.Flag&flagOneway == 0 {
				c.write(resp)
			}
		}()
	}
}

// close stops the listener, closes every connection, wakes waiting pulls
// and waits for every goroutine of the server.
func (s *server) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stop)
	_ = s.ln.Close()
	for c := range s.conns {
		_ = c.nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// isClosed reports whether close was called.
func (s *server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
