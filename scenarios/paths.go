package scenarios

import (
	"strconv"
	"strings"
)

// Field paths in messages are dotted, with list indexes in brackets:
// "workload.mode", "destinations[1].name", "driver.options.stalls[0].at".

// joinPath appends the field name to path.
func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// indexPath appends a list index to path.
func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// parentPath strips the last field or index from path ("" for the root).
func parentPath(path string) string {
	i := strings.LastIndexAny(path, ".[")
	if i < 0 {
		return ""
	}
	return path[:i]
}

// optionPath turns a drivers.OptionError field ("inject.drop",
// "stalls.0.at" or "stalls[0].at") into a full field path.
func optionPath(field string) string { return optionPathAt(optionsPath, field) }

// optionPathAt is optionPath below the options at base.
func optionPathAt(base, field string) string {
	if field == "" {
		return base
	}
	var b strings.Builder
	b.WriteString(base)
	for _, seg := range strings.Split(field, ".") {
		if _, err := strconv.Atoi(seg); err == nil {
			b.WriteString("[" + seg + "]")
			continue
		}
		b.WriteString("." + seg)
	}
	return b.String()
}

// optionsPath is the field path of the driver options.
const optionsPath = "driver.options"

// clusterOptionsPath is the field path of the cluster backend's options.
const clusterOptionsPath = "cluster.options"
