package reports

import (
	"fmt"
	"html/template"
	"strings"
)

// templateFuncs are the helpers the page template uses.
var templateFuncs = template.FuncMap{
	"ns":    FmtNs,
	"rate":  fmtRate,
	"json":  jsonForScript,
	"secs":  func(v float64) string { return fmt.Sprintf("%.3fs", v) },
	"num":   func(v float64) string { return fmt.Sprintf("%g", v) },
	"mulf":  func(a, b float64) float64 { return a * b },
	"keys":  keysText,
	"join":  strings.Join,
	"upper": strings.ToUpper,
	// verdictClass is the CSS class of a verdict cell.
	"verdictClass": func(v string) string { return "v-" + v },
}
