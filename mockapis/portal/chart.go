package portal

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/parser"
	"github.com/soclab/soclab/simulator/kql/types"
)

// chart is a result drawn as the query's `render` asks.
type chart struct {
	Kind string
	SVG  template.HTML
}

// Chart kinds the portal draws: lines over time, and bars.
var (
	lineCharts = map[string]bool{"timechart": true, "linechart": true, "areachart": true}
	barCharts  = map[string]bool{"barchart": true, "columnchart": true, "piechart": true}
)

const (
	chartW, chartH   = 760, 300
	chartPad         = 48
	maxChartPoints   = 2000
	maxChartSeries   = 8
	maxChartBarCount = 60
)

// renderKind is the chart kind of the query's last `render` ("" none or unparsable).
func renderKind(query string) string {
	script, err := parser.Parse(query)
	if err != nil || script == nil || len(script.Stmts) == 0 {
		return ""
	}
	qs, ok := script.Stmts[len(script.Stmts)-1].(*ast.QueryStmt)
	if !ok {
		return ""
	}
	if pe, ok := qs.Query.(*ast.PipeExpr); ok {
		if ro, ok := pe.Op.(*ast.RenderOp); ok {
			return strings.ToLower(ro.Chart)
		}
	}
	return ""
}

// buildChart draws a time/line chart (x: the first datetime or numeric column; a series per
// value of the string columns; y: the numeric columns) or a bar chart (label: the first string
// column, value: the first numeric one) as SVG, server-side.
func buildChart(kind string, res *kql.Result) *chart {
	if kind == "" || res.Len() == 0 || (!lineCharts[kind] && !barCharts[kind]) {
		return nil
	}
	t := res.Table
	var xcol, labelCol = -1, -1
	var ycols []int
	for i, c := range t.Cols {
		switch {
		case c.Type == types.DateTime && xcol < 0:
			xcol = i
		case c.Type.IsNumeric():
			ycols = append(ycols, i)
		case c.Type == types.String && labelCol < 0:
			labelCol = i
		}
	}
	if len(ycols) == 0 {
		return nil
	}
	if barCharts[kind] {
		if labelCol < 0 && xcol >= 0 {
			labelCol = xcol
		}
		if labelCol < 0 {
			return nil
		}
		return &chart{Kind: kind, SVG: barSVG(res, labelCol, ycols[0])}
	}
	if xcol < 0 {
		if len(ycols) < 2 {
			return nil
		}
		xcol, ycols = ycols[0], ycols[1:]
	}
	return &chart{Kind: kind, SVG: lineSVG(res, xcol, ycols, labelCol)}
}

func num(v types.Value) (float64, bool) {
	if v.Null {
		return 0, false
	}
	switch v.T {
	case types.Real, types.Decimal:
		return v.F, true
	case types.Int, types.Long, types.DateTime, types.TimeSpan:
		return float64(v.I), true
	}
	return 0, false
}

type series struct {
	name string
	xs   []float64
	ys   []float64
}

var seriesColours = []string{"#0f6cbd", "#c50f1f", "#107c10", "#8764b8", "#b5570b", "#00666d", "#5c2e91", "#4f4f4f"}

func lineSVG(res *kql.Result, xcol int, ycols []int, splitCol int) template.HTML {
	t := res.Table
	bySeries := map[string]*series{}
	var order []string
	minX, maxX, maxY := math.Inf(1), math.Inf(-1), 0.0
	for i := 0; i < t.N && i < maxChartPoints; i++ {
		x, ok := num(t.Vecs[xcol].Get(i))
		if !ok {
			continue
		}
		for _, yc := range ycols {
			y, ok := num(t.Vecs[yc].Get(i))
			if !ok {
				continue
			}
			name := t.Cols[yc].Name
			if splitCol >= 0 {
				name = types.FormatText(t.Vecs[splitCol].Get(i))
				if len(ycols) > 1 {
					name += " " + t.Cols[yc].Name
				}
			}
			s := bySeries[name]
			if s == nil {
				if len(order) >= maxChartSeries {
					continue
				}
				s = &series{name: name}
				bySeries[name] = s
				order = append(order, name)
			}
			s.xs, s.ys = append(s.xs, x), append(s.ys, y)
			minX, maxX, maxY = math.Min(minX, x), math.Max(maxX, x), math.Max(maxY, y)
		}
	}
	if len(order) == 0 {
		return ""
	}
	if maxX == minX {
		maxX = minX + 1
	}
	if maxY == 0 {
		maxY = 1
	}
	px := func(x float64) float64 { return chartPad + (x-minX)/(maxX-minX)*(chartW-2*chartPad) }
	py := func(y float64) float64 { return chartH - chartPad - y/maxY*(chartH-2*chartPad) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">%s of %s by %s</title>`,
		chartW, chartH+20*((len(order)+3)/4), chartW, chartH+20*((len(order)+3)/4), "Time chart", html.EscapeString(strings.Join(order, ", ")), html.EscapeString(t.Cols[xcol].Name))
	axes(&b, fmt.Sprintf("%g", maxY), xLabel(t.Vecs[xcol].Get(0), minX), xLabel(t.Vecs[xcol].Get(0), maxX))
	for si, name := range order {
		s := bySeries[name]
		var pts []string
		for i := range s.xs {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.xs[i]), py(s.ys[i])))
		}
		col := seriesColours[si%len(seriesColours)]
		fmt.Fprintf(&b, `<polyline class="series" fill="none" stroke="%s" stroke-width="2" points="%s"><title>%s</title></polyline>`, col, strings.Join(pts, " "), html.EscapeString(name))
		lx, ly := chartPad+(si%4)*170, chartH+(si/4)*20+4
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/><text class="legend" x="%d" y="%d">%s</text>`, lx, ly, col, lx+16, ly+11, html.EscapeString(truncate(name, 22)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// xLabel prints an axis end in the x column's type.
func xLabel(sample types.Value, x float64) string {
	if sample.T == types.DateTime {
		return types.FormatText(types.Value{T: types.DateTime, I: int64(x)})
	}
	return fmt.Sprintf("%g", x)
}

func axes(b *strings.Builder, top, left, right string) {
	fmt.Fprintf(b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/><line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`,
		chartPad, chartPad, chartPad, chartH-chartPad, chartPad, chartH-chartPad, chartW-chartPad, chartH-chartPad)
	fmt.Fprintf(b, `<text class="tick" x="4" y="%d">%s</text><text class="tick" x="4" y="%d">0</text>`, chartPad+4, html.EscapeString(top), chartH-chartPad)
	fmt.Fprintf(b, `<text class="tick" x="%d" y="%d">%s</text><text class="tick end" x="%d" y="%d" text-anchor="end">%s</text>`,
		chartPad, chartH-chartPad+18, html.EscapeString(left), chartW-chartPad, chartH-chartPad+18, html.EscapeString(right))
}

func barSVG(res *kql.Result, labelCol, valueCol int) template.HTML {
	t := res.Table
	n := min(t.N, maxChartBarCount)
	maxV := 0.0
	for i := 0; i < n; i++ {
		if v, ok := num(t.Vecs[valueCol].Get(i)); ok {
			maxV = math.Max(maxV, v)
		}
	}
	if maxV == 0 {
		maxV = 1
	}
	rowH := 22
	h := n*rowH + 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="chart-title" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">Bar chart of %s by %s</title>`,
		chartW, h, chartW, h, html.EscapeString(t.Cols[valueCol].Name), html.EscapeString(t.Cols[labelCol].Name))
	for i := 0; i < n; i++ {
		v, _ := num(t.Vecs[valueCol].Get(i))
		label := types.FormatText(t.Vecs[labelCol].Get(i))
		w := v / maxV * float64(chartW-260)
		y := 10 + i*rowH
		fmt.Fprintf(&b, `<g class="bar"><title>%s: %g</title><text class="tick" x="4" y="%d">%s</text><rect x="200" y="%d" width="%.1f" height="16" fill="#0f6cbd"/><text class="tick" x="%.1f" y="%d">%g</text></g>`,
			html.EscapeString(label), v, y+13, html.EscapeString(truncate(label, 28)), y, w, 204+w, y+13, v)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
