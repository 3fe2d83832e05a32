package runner

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// makeRunDir creates base/<scenario>/<UTC time>/, adding a suffix when two
// runs start within the same second.
func makeRunDir(base, scenario string, now time.Time) (dir, id string, err error) {
	parent := filepath.Join(base, scenario)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", "", fmt.Errorf("creating results directory: %w", err)
	}
	stamp := now.UTC().Format("20060102T150405Z")
	for i := 0; i < 1000; i++ {
		id = stamp
		if i > 0 {
			id = fmt.Sprintf("%s-%d", stamp, i)
		}
		dir = filepath.Join(parent, id)
		err = os.Mkdir(dir, 0o755)
		if err == nil {
			return dir, id, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", "", fmt.Errorf("creating run directory: %w", err)
		}
	}
	return "", "", fmt.Errorf("creating run directory: too many runs named %s", stamp)
}
