package scenarios

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// bundled holds the scenarios shipped with brokerbench.
//
//go:embed *.yaml
var bundled embed.FS

// Bundled lists the names of the bundled scenarios (file names without
// .yaml), sorted.
func Bundled() []string {
	files, _ := fs.Glob(bundled, "*.yaml")
	names := make([]string, 0, len(files))
	for _, f := range files {
		names = append(names, strings.TrimSuffix(f, ".yaml"))
	}
	sort.Strings(names)
	return names
}

// BundledSource returns the YAML of the bundled scenario called name.
func BundledSource(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		return nil, false
	}
	data, err := bundled.ReadFile(name + ".yaml")
	if err != nil {
		return nil, false
	}
	return data, true
}
