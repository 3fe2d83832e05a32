package recorder

import hdr "github.com/HdrHistogram/hdrhistogram-go"

// Interval is what happened during one reporting interval (normally one
// second): merged interval histograms and the counters at its end.
type Interval struct {
	Publish, Service, E2E *hdr.Histogram
	Counters              Counters
}

// TakeInterval swaps out every shard's interval histograms, merges them
// and starts new intervals. Call it from one goroutine (the series writer).
func (r *Recorder) TakeInterval() Interval {
	iv := Interval{Publish: NewHist(), Service: NewHist(), E2E: NewHist()}
	for _, sh := range r.shards {
		sh.mu.Lock()
		iv.Publish.Merge(sh.iv[0])
		iv.Service.Merge(sh.iv[1])
		sh.iv[0].Reset()
		sh.iv[1].Reset()
		sh.mu.Unlock()
	}
	for _, c := range r.cons {
		c.mu.Lock()
		iv.E2E.Merge(c.iv)
		c.iv.Reset()
		c.mu.Unlock()
	}
	iv.Counters = r.Counters()
	return iv
}
