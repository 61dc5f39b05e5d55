package kql

import "testing"

// The series analysis functions: exact results of the docs' examples where the docs give
// them (series_stats, series_periods_detect's period, series_fit_2lines' naming rules), the
// documented algorithms on small series (Tukey fences, decomposition, forecast), and the
// anomaly doc example without its random noise: exactly the six inserted outliers flagged.
func TestSeriesAnalysis(t *testing.T) {
	const docSeries = `dynamic([80, 139, 87, 110, 68, 54, 50, 51, 53, 133, 86, 141, 97, 156, 94, 149, 95, 140, 77, 61, 50, 54, 47, 133, 72, 152, 94, 148, 105, 162, 101, 160, 87, 63, 53, 55, 54, 151, 103, 189, 108, 183, 113, 175, 113, 178, 90, 71, 62, 62, 65, 165, 109, 181, 115, 182, 121, 178, 114, 170])`
	const weekly = `let ts=range t from 1 to 24*7*5 step 1
| extend y = iff((t/24)%7>=5, 5.0, 15.0) - (((t%24)/10)*((t%24)/10)) + t/72.0
| extend y=iff(t==150 or t==200 or t==780, y-8.0, y)
| extend y=iff(t==300 or t==400 or t==600, y+8.0, y)
| summarize y=make_list(y, 10000);
`
	cases := []struct{ name, query, want string }{
		{"series_stats doc example", "print x=dynamic([23, 46, 23, 87, 4, 8, 3, 75, 2, 56, 13, 75, 32, 16, 29]) | project series_stats(x)",
			`[[2,8,87,3,32.8,28.503633853548266,812.4571428571428]]`},
		{"series_stats named", "print x=dynamic([1, 5, 3]) | extend (lo, at) = series_stats(x) | project lo, at",
			`[[1,0]]`},
		{"series_periods_detect doc example finds 14", "print y=" + docSeries + " | project p = series_periods_detect(y, 0.0, 50.0, 2) | project tostring(p)",
			`[["[14,0]"]]`},
		{"series_periods_validate scores 14, not 10", "print y=" + docSeries + " | project series_periods_validate(y, 14.0, 10.0) | project tostring(series_periods_validate_y_periods), todouble(series_periods_validate_y_scores[0]) > 0.7, todouble(series_periods_validate_y_scores[1])",
			`[["[14,10]",true,0]]`},
		{"series_fit_line", "print y=dynamic([2, 4, 6, 8]) | extend series_fit_line(y) | project series_fit_line_y_rsquare, series_fit_line_y_slope, series_fit_line_y_interception, series_fit_line_y_line_fit",
			`[[1,2,0,[2,4,6,8]]]`},
		{"extend with names keeps only the named columns", "print y=dynamic([1, 2.2, 2.5, 4.7, 5.0, 12, 10.3, 10.3, 9, 8.3, 6.2]) | extend (rs, si) = series_fit_2lines(y) | project-away y | getschema | project ColumnName",
			`[["rs"],["si"]]`},
		{"project with names adds the rest under default names", "print y=dynamic([1, 2.2, 2.5, 4.7, 5.0, 12, 10.3, 10.3, 9, 8.3, 6.2]) | project (rs, si) = series_fit_2lines(y) | getschema | summarize count(), take_any(ColumnName) | project count_",
			`[[15]]`},
		{"series_fit_2lines splits at the trend change", "print y=dynamic([1, 2, 3, 4, 10, 9, 8, 7]) | project (rs, si) = series_fit_2lines(y) | project rs, si",
			`[[1,4]]`},
		{"series_outliers: ctukey fences", "print o=series_outliers(dynamic([1,2,3,4,5,6,7,8,9,100])) | project round(todouble(o[0]), 4), o[1], round(todouble(o[9]), 4)",
			`[[-0.0556,0,5.0556]]`},
		{"series_outliers: tukey fences", "print o=series_outliers(dynamic([1,2,3,4,5,6,7,8,9,100]), 'tukey') | project round(todouble(o[9]), 4)",
			`[[20.5]]`},
		{"series_outliers: ignore_val scores 0", "print o=series_outliers(dynamic([1,2,3,4,5,6,7,8,9,-1]), 'ctukey', -1) | project o[9]",
			`[[0]]`},
		{"series_decompose without seasonality: avg trend", "print y=dynamic([1, 3, 2, 6]) | project series_decompose(y, 0)",
			`[[[3,3,3,3],[0,0,0,0],[3,3,3,3],[-2,0,-1,3]]]`},
		{"series_decompose with a given period", "print y=dynamic([1, 5, 1, 5, 1, 5]) | project series_decompose(y, 2, 'none')",
			`[[[1,5,1,5,1,5],[1,5,1,5,1,5],[0,0,0,0,0,0],[0,0,0,0,0,0]]]`},
		{"series_decompose_forecast extends the line", "print f=series_decompose_forecast(dynamic([1,2,3,4,5,6,7,8,0,0]), 2)",
			`[[[1,2,3,4,5,6,7,8,9,10]]]`},
		{"anomalies doc example: the six inserted outliers", weekly + "ts | extend (flag) = series_decompose_anomalies(y, 1.5, -1, 'linefit') | mv-expand with_itemindex=i flag to typeof(long) | where flag != 0 | summarize make_list(i + 1)",
			`[[[150,200,300,400,600,780]]]`},
		{"anomalies: the weekly period is detected", weekly + "ts | project series_periods_detect(y, 0, 500, 1) | project tostring(series_periods_detect_y_periods)",
			`[["[168]"]]`},
		{"anomalies over a flat series with one spike", "print y=dynamic([3,3,3,3,3,3,3,3,3,3,3,40,3,3]) | extend (flag, score) = series_decompose_anomalies(y) | project flag[11], flag[0], todouble(score[11]) > 1.5",
			`[[1,0,true]]`},
		{"not a series: every column null", "print y=dynamic({'a': 1}) | project (a, b) = series_fit_line(y) | project isnull(a), isnull(b)",
			`[[true,true]]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := runRowsJSON(t, MapCatalog{}, nil, c.query)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("rows\n got: %s\nwant: %s", got, c.want)
			}
		})
	}
}

// Tuple functions reject bad calls with Kusto-style errors.
func TestSeriesAnalysisErrors(t *testing.T) {
	for _, q := range []string{
		"print y=dynamic([1,2]) | extend (a,b,c,d,e,f,g) = series_fit_line(y)", // more names than values
		"print y=dynamic([1,2]) | extend series_fit_line(y, 1)",                // too many arguments
		"print y=dynamic([1,2]) | extend series_periods_detect(y)",             // too few
		"print y=dynamic([1,2]) | where isnull(series_fit_line(y))",            // inside an expression
		"print y=dynamic([1,2]) | extend a = tostring(series_stats(y))",        // as an argument
		"print y=dynamic([1,2]) | summarize by series_stats(y)",                // not extend/project
	} {
		if _, err := Compile(q, MapCatalog{}, CompileOptions{}); err == nil {
			t.Errorf("%s: compiled", q)
		}
	}
}
