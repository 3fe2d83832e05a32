package reports

import (
	"math"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
)

// spectrumSteps is the number of points per decade of 1/(1-p): the x axis
// of a percentile spectrum, from 1 (p0) to 1e5 (p99.999).
const (
	spectrumSteps   = 10
	spectrumDecades = 5
)

// spectrumX returns the x values of a spectrum: 1/(1-p) for p from p0 to
// p99.999, evenly spaced on a log scale.
func spectrumX() []float64 {
	xs := make([]float64, spectrumSteps*spectrumDecades+1)
	for i := range xs {
		xs[i] = math.Pow(10, float64(i)/spectrumSteps)
	}
	return xs
}

// Spectrum is a latency percentile spectrum: ValuesNs[i] is the latency at
// percentile 100·(1−1/x) for the i-th x of spectrumX. Empty when Count is 0.
type Spectrum struct {
	Count    int64
	ValuesNs []int64
}

// spectrumOf computes the spectrum of h (nil or empty: Count 0).
func spectrumOf(h *hdr.Histogram) Spectrum {
	if h == nil || h.TotalCount() == 0 {
		return Spectrum{}
	}
	xs := spectrumX()
	s := Spectrum{Count: h.TotalCount(), ValuesNs: make([]int64, len(xs))}
	for i, x := range xs {
		if i == 0 {
			s.ValuesNs[i] = h.Min()
			continue
		}
		s.ValuesNs[i] = h.ValueAtQuantile(100 * (1 - 1/x))
	}
	return s
}

// latencySet holds the three latency kinds of one time window.
type latencySet struct {
	Publish, Service, E2E *hdr.Histogram
}
