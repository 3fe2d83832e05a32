package netns

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"syscall"
)

// subnet is 10.213.X.0/24.
type subnet struct{ x byte }

func (s subnet) host(i int) string { return fmt.Sprintf("10.213.%d.%d", s.x, i) }
func (s subnet) String() string    { return fmt.Sprintf("10.213.%d.0/24", s.x) }

// lockSubnets serializes subnet choice among processes on this machine
// (a flock on a file in the temp directory) until the returned function
// is called.
func lockSubnets() (func(), error) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "brokerbench-netns.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("netns: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("netns: locking %s: %w", f.Name(), err)
	}
	return func() { _ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
}

// freeSubnet picks a /24 of 10.213.0.0/16 that no host interface address
// falls in (the host link of another network included).
func freeSubnet() (subnet, error) {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return subnet{}, fmt.Errorf("netns: listing host addresses: %w", err)
	}
	used := map[byte]bool{}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if v4 := ipn.IP.To4(); v4 != nil && v4[0] == 10 && v4[1] == 213 {
				used[v4[2]] = true
			}
		}
	}
	start := rand.IntN(256)
	for k := range 256 {
		x := byte((start + k) % 256)
		if !used[x] {
			return subnet{x: x}, nil
		}
	}
	return subnet{}, fmt.Errorf("netns: every /24 of 10.213.0.0/16 is in use on this host")
}
