// Package units formats measurements for people.
package units

import "fmt"

// Ns formats a duration in ns for tables: 850ns, 12.3µs, 1.23ms, 2.50s,
// and "-" for zero, which in a summary means "no sample".
func Ns(ns int64) string {
	if ns == 0 {
		return "-"
	}
	return NsZero(ns)
}

// NsZero is Ns but prints zero as "0ns" (for live values, where zero is
// a measurement).
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
