package reports

import (
	"embed"
	"html/template"
	"strings"
)

// The vendored chart library (see assets/README.md) and the report's own
// template, script and style, all inlined into every HTML report.
var (
	//go:embed assets/uPlot.iife.min.js
	uplotJS string
	//go:embed assets/uPlot.min.css
	uplotCSS string
	//go:embed assets/LICENSE
	uplotLicense string
	//go:embed web
	webFS embed.FS
)

// pageAssets are the scripts and styles a page inlines.
type pageAssets struct {
	LibJS   template.JS
	LibCSS  template.CSS
	PageJS  template.JS
	PageCSS template.CSS
}

// inlineAssets returns the real assets; stub replaces each with a short
// comment (golden tests compare the HTML structure, not the vendored code).
func inlineAssets(stub bool) pageAssets {
	if stub {
		return pageAssets{LibJS: "/* uPlot */", LibCSS: "/* uPlot */", PageJS: "/* charts.js */", PageCSS: "/* style.css */"}
	}
	lic := "/*! uPlot 1.6.32, vendored from npm; its license:\n" + strings.ReplaceAll(uplotLicense, "*/", "* /") + "\n*/\n"
	return pageAssets{
		LibJS:   template.JS(lic + uplotJS),
		LibCSS:  template.CSS(uplotCSS),
		PageJS:  template.JS(mustRead("web/charts.js")),
		PageCSS: template.CSS(mustRead("web/style.css")),
	}
}

func mustRead(name string) string {
	b, err := webFS.ReadFile(name)
	if err != nil {
		panic("reports: embedded " + name + ": " + err.Error()) // cannot happen: embedded at build time
	}
	return string(b)
}

// pageTemplate holds the "report" and "compare" pages.
var pageTemplate = template.Must(template.New("page.html.tmpl").Funcs(templateFuncs).ParseFS(webFS, "web/page.html.tmpl"))
