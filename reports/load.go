package reports

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/brokerbench/brokerbench/internal/summary"
)

// Load reads what a run directory holds. A missing summary.json (a run that
// died) or series is not an error; a directory with neither run.json nor
// summary.json is.
func Load(dir string) (*Run, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%s: not a run directory", dir)
	}
	r := &Run{Dir: dir}
	if info, err := summary.ReadRun(dir); err == nil {
		r.Info = info
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	s, err := summary.Read(dir)
	switch {
	case err == nil:
		r.Summary = s
	case errors.Is(err, fs.ErrNotExist):
	default:
		return nil, err
	}
	if r.Info == nil && r.Summary == nil {
		return nil, fmt.Errorf("%s: not a run directory (no %s or %s)", dir, summary.RunFile, summary.SummaryFile)
	}
	pts, err := summary.ReadSeries(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	r.Series = pts
	return r, nil
}
