package classreport

import (
	"fmt"
	"html/template"
	"io"
)

// chart geometry of the progress SVG (user units).
const (
	chartWidth  = 720
	chartBar    = 28
	chartGap    = 14
	chartLabelW = 310
	chartTop    = 30
)

// bar is one task's bars in the chart: completed and started shares of the class.
type bar struct {
	Y, TextY             int
	Label                string
	CompletedW, StartedW int
	CompletedN, StartedN int
	CompletedPct         string
}

type htmlData struct {
	Report
	Bars   []bar
	Height int
	BarsX  int
	BarsW  int
	Width  int
	Common []CheckFailure
}

var page = template.Must(template.New("class").Funcs(template.FuncMap{"dur": Duration, "pct": func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) }}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>soclab class report: {{.Scenario}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#1b1b1b}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th{text-align:left}
th:first-child,td:first-child,td.title{text-align:left}
td.done{background:#d9f2d9}td.part{background:#fff3cd}td.none{background:#f8d7da}
svg text{font-family:system-ui,sans-serif;font-size:13px}
</style></head>
<body>
<h1>Class report: {{.Scenario}}, {{.Learners}} learners</h1>
<h2>Progress per task</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="{{.Width}}" height="{{.Height}}" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-label="learners who completed and started each task">
<text x="{{.BarsX}}" y="18">share of the class: completed (dark), started (light)</text>
{{range .Bars}}<g class="task">
<text x="0" y="{{.TextY}}">{{.Label}}</text>
<rect x="{{$.BarsX}}" y="{{.Y}}" width="{{$.BarsW}}" height="28" fill="#eeeeee"/>
<rect x="{{$.BarsX}}" y="{{.Y}}" width="{{.StartedW}}" height="28" fill="#9ecae1"><title>started: {{.StartedN}}</title></rect>
<rect x="{{$.BarsX}}" y="{{.Y}}" width="{{.CompletedW}}" height="28" fill="#3182bd"><title>completed: {{.CompletedN}}</title></rect>
<text x="{{$.BarsX}}" dx="6" y="{{.TextY}}" fill="#ffffff">{{.CompletedPct}}</text>
</g>
{{end}}</svg>
<h2>Learners</h2>
<table>
<tr><th>learner</th>{{range .Tasks}}<th>task {{.Number}}</th>{{end}}<th>score</th><th>checks</th><th>time</th></tr>
{{range .Rows}}<tr><td>{{.Tenant}}</td>{{range .Tasks}}<td class="{{if .Complete}}done{{else if gt .Points 0}}part{{else}}none{{end}}">{{.Points}}/{{.MaxPoints}}</td>{{end}}<td>{{.Score}}/{{.MaxScore}}</td><td>{{.ChecksPassed}}/{{.Checks}}</td><td>{{dur .TimeSpentSeconds}}</td></tr>
{{end}}</table>
<h2>Tasks</h2>
<table>
<tr><th>task</th><th>title</th><th>completed</th><th>started</th><th>average points</th><th>median time</th></tr>
{{range .Tasks}}<tr><td>{{.Number}}</td><td class="title">{{.Title}}</td><td>{{.Completed}}/{{$.Learners}}</td><td>{{.Started}}</td><td>{{printf "%.1f" .AveragePoints}}/{{.MaxPoints}}</td><td>{{dur .MedianTimeSeconds}}</td></tr>
{{end}}</table>
<h2>Most failed checks</h2>
<table>
<tr><th>failed</th><th>check</th><th>task</th><th>title</th><th>hint</th></tr>
{{range .Common}}<tr><td>{{.Failed}}/{{$.Learners}} ({{pct .Share}})</td><td class="title">{{.ID}}</td><td>{{.Task}}</td><td class="title">{{.Title}}</td><td class="title">{{.Hint}}</td></tr>
{{end}}</table>
</body></html>
`))

// WriteHTML writes one self-contained HTML file (inline style, an inline SVG chart, no script,
// nothing fetched) with the chart of the class's progress per task and the report's tables.
func (r Report) WriteHTML(w io.Writer) error {
	d := htmlData{Report: r, Width: chartWidth, BarsX: chartLabelW, BarsW: chartWidth - chartLabelW - 10}
	for i, t := range r.Tasks {
		y := chartTop + i*(chartBar+chartGap)
		b := bar{Y: y, TextY: y + chartBar/2 + 5, Label: fmt.Sprintf("Task %d: %s", t.Number, shorten(t.Title, 32)), CompletedN: t.Completed, StartedN: t.Started}
		if r.Learners > 0 {
			b.CompletedW = d.BarsW * t.Completed / r.Learners
			b.StartedW = d.BarsW * t.Started / r.Learners
			b.CompletedPct = fmt.Sprintf("%d/%d", t.Completed, r.Learners)
		}
		d.Bars = append(d.Bars, b)
	}
	d.Height = chartTop + len(r.Tasks)*(chartBar+chartGap)
	d.Common = r.CommonFailures
	if len(d.Common) > commonShown {
		d.Common = d.Common[:commonShown]
	}
	return page.Execute(w, d)
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
