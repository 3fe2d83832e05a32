package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	hdr "github.com/HdrHistogram/hdrhistogram-go"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// Tags of the interval histograms in latency.hlog.
const (
	tagPublish = "publish" // publish response time
	tagService = "service" // publish service time
	tagE2E     = "e2e"     // end-to-end
)

// histInterval is one interval histogram of latency.hlog; Start and End
// are s since the run origin.
type histInterval struct {
	Tag        string
	Start, End float64
	H          *hdr.Histogram
}

// readHistLog calls visit with each interval histogram of dir/latency.hlog
// in file order; the histograms are decoded one at a time and not kept (a
// 10-minute run has 1,800 of them). A missing file is no error; a torn last
// line (a crashed run) is ignored.
//
// It parses the interval lines itself ("[Tag=t,]start,length,max,payload",
// HdrHistogram log format 1.3) rather than with hdr's HistogramLogReader,
// which walks every bucket twice per interval for its own statistics and
// adds the whole-second #[BaseTime] back to times the writer made relative
// to the exact origin. The runner writes times relative to the run origin;
// a log with absolute times (no #[BaseTime]) is made relative to its first
// interval.
func readHistLog(dir string, visit func(histInterval)) error {
	b, err := os.ReadFile(filepath.Join(dir, summary.HistLogFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	b = b[:bytes.LastIndexByte(b, '\n')+1] // drop a torn last line
	relative := bytes.Contains(b, []byte("#[BaseTime:"))
	first, seen := 0.0, false
	for n := 1; len(b) > 0; n++ {
		var line []byte
		line, b, _ = bytes.Cut(b, []byte{'\n'})
		if len(line) == 0 || line[0] == '#' || line[0] == '"' {
			continue
		}
		iv, err := parseInterval(line)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", summary.HistLogFile, n, err)
		}
		if !relative {
			if !seen {
				first, seen = iv.Start, true
			}
			iv.Start, iv.End = iv.Start-first, iv.End-first
		}
		visit(iv)
	}
	return nil
}

// parseInterval decodes one interval line.
func parseInterval(line []byte) (histInterval, error) {
	var iv histInterval
	if rest, ok := bytes.CutPrefix(line, []byte("Tag=")); ok {
		tag, after, found := bytes.Cut(rest, []byte{','})
		if !found {
			return iv, errors.New("tag without interval")
		}
		iv.Tag, line = string(tag), after
	}
	f := bytes.SplitN(line, []byte{','}, 4)
	if len(f) != 4 {
		return iv, fmt.Errorf("%d fields, want 4", len(f))
	}
	start, err1 := strconv.ParseFloat(string(f[0]), 64)
	length, err2 := strconv.ParseFloat(string(f[1]), 64)
	if err := errors.Join(err1, err2); err != nil {
		return iv, err
	}
	h, err := hdr.Decode(bytes.TrimSpace(f[3]))
	if err != nil {
		return iv, err
	}
	iv.Start, iv.End, iv.H = start, start+length, h
	return iv, nil
}
