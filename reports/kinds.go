package reports

import hdr "github.com/HdrHistogram/hdrhistogram-go"

// latencyKind names one of the three latencies a run measures.
type latencyKind struct {
	tag  string // tag in latency.hlog
	name string // for people
	desc string // what is measured
	hist func(latencySet) *hdr.Histogram
}

// latencyKinds in display order.
var latencyKinds = []latencyKind{
	{tagPublish, "publish response", "intended send → ack", func(s latencySet) *hdr.Histogram { return s.Publish }},
	{tagService, "publish service", "send call → ack", func(s latencySet) *hdr.Histogram { return s.Service }},
	{tagE2E, "end-to-end", "intended send → delivery", func(s latencySet) *hdr.Histogram { return s.E2E }},
}
