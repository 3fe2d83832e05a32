// Package units formats measurements for people.
package units

import "fmt"

// Ns formats a duration in ns: 850ns, 12.3µs, 1.23ms, 2.50s; zero is "-"
// (no sample), since a real zero latency prints as "0ns" only when asked
// through NsZero.
func Ns(ns int64) string {
	if ns == 0 {
		return "-"
	}
	return NsZero(ns)
}

// NsZero is Ns but prints zero as "0ns".
func NsZero(ns int64) string {
	switch {
	case ns < 1_000:
		return fmt.Sprintf("%dns", ns)
	case ns < 1_000_000:
		return fmt.Sprintf("%.1fµs", float64(ns)/1e3)
	case ns < 1_000_000_000:
		return fmt.Sprintf("%.2fms", float64(ns)/1e6)
	}
	return fmt.Sprintf("%.2fs", float64(ns)/1e9)
}
