package reports

import (
	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/recorder"
)

// histAccum sums histograms of one geometry by adding their bucket
// counts: hdr's Merge walks an iterator over every bucket and value, which
// is many times slower over the 1,800 interval histograms of a 10-minute
// run. Histograms of another geometry are merged the slow way.
type histAccum struct {
	sum   *hdr.Snapshot  // geometry and summed counts; nil before the first add
	other *hdr.Histogram // histograms whose geometry differs from sum's
}

// add adds the histogram h, whose snapshot s is (s is not kept).
func (a *histAccum) add(h *hdr.Histogram, s *hdr.Snapshot) {
	switch {
	case a.sum == nil:
		c := *s
		c.Counts = append([]int64(nil), s.Counts...)
		a.sum = &c
	case sameGeometry(a.sum, s):
		for i, n := range s.Counts {
			a.sum.Counts[i] += n
		}
	default:
		if a.other == nil {
			a.other = recorder.NewHist()
		}
		a.other.Merge(h)
	}
}

func sameGeometry(a, b *hdr.Snapshot) bool {
	return a.LowestTrackableValue == b.LowestTrackableValue && a.HighestTrackableValue == b.HighestTrackableValue &&
		a.SignificantFigures == b.SignificantFigures && len(a.Counts) == len(b.Counts)
}

// histogram returns the sum (empty when nothing was added).
func (a *histAccum) histogram() *hdr.Histogram {
	h := recorder.NewHist()
	if a.sum != nil {
		h = hdr.Import(a.sum)
	}
	if a.other != nil {
		h.Merge(a.other)
	}
	return h
}

// accumSet accumulates the three latency kinds of one time window.
type accumSet struct{ publish, service, e2e histAccum }

// add adds an interval histogram by its tag; s is its snapshot.
func (as *accumSet) add(iv histInterval, s *hdr.Snapshot) {
	switch iv.Tag {
	case tagPublish:
		as.publish.add(iv.H, s)
	case tagService:
		as.service.add(iv.H, s)
	case tagE2E:
		as.e2e.add(iv.H, s)
	}
}

func (as *accumSet) latencies() latencySet {
	return latencySet{Publish: as.publish.histogram(), Service: as.service.histogram(), E2E: as.e2e.histogram()}
}
