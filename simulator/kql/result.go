package kql

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Result is the table a query returned.
type Result struct {
	Table *Table
	// More are the further result tables of fork and facet (each Table.Name is its name);
	// the JSON, text and CSV writers show the primary Table only, WriteLogAnalytics all.
	More []*Table
	// Partial, when set, says the result was truncated (Kusto's result truncation: the
	// E_QUERY_RESULT_SET_TOO_LARGE limit error); the rows kept are the first ones.
	Partial *Error
	// PeakMemory is the most memory the run held at once as its budget counted it (bytes
	// charged to govern.Budget: new columns, gathered cells, hash tables, groups).
	PeakMemory int64
}

// ResultColumn is a column of a result as the JSON outputs name it.
type ResultColumn struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Columns returns the result's columns with Kusto type names.
func (r *Result) Columns() []ResultColumn {
	cols := make([]ResultColumn, len(r.Table.Cols))
	for i, c := range r.Table.Cols {
		cols[i] = ResultColumn{Name: c.Name, Type: c.Type.String()}
	}
	return cols
}

// Len is the number of rows.
func (r *Result) Len() int { return r.Table.N }

// Rows returns the rows as JSON-ready values: numbers, bools, strings, null; datetimes as
// ISO-8601 with Z, timespans as Kusto prints them, dynamic as its JSON tree (or, with
// dynamicAsString, as JSON text, as the Log Analytics API returns it).
func (r *Result) Rows(dynamicAsString bool) [][]any {
	t := r.Table
	rows := make([][]any, t.N)
	for i := 0; i < t.N; i++ {
		row := make([]any, len(t.Vecs))
		for c, v := range t.Vecs {
			val := v.Get(i)
			if dynamicAsString && val.T == types.Dynamic {
				if val.IsNull() {
					row[c] = nil
				} else {
					row[c] = types.DynamicJSON(val.D)
				}
				continue
			}
			row[c] = types.ToJSON(val)
		}
		rows[i] = row
	}
	return rows
}

type jsonResult struct {
	Columns []ResultColumn `json:"columns"`
	Rows    [][]any        `json:"rows"`
}

// WriteJSON writes {"columns":[{"name","type"}],"rows":[[...]]} and a newline.
func (r *Result) WriteJSON(w io.Writer) error {
	return writeJSON(w, jsonResult{Columns: r.Columns(), Rows: nonNil(r.Rows(false))})
}

// LogAnalyticsTable is one table of the Log Analytics query API response.
type LogAnalyticsTable struct {
	Name    string         `json:"name"`
	Columns []ResultColumn `json:"columns"`
	Rows    [][]any        `json:"rows"`
}

// LogAnalytics returns the result as the API's PrimaryResult table (dynamic values as JSON
// text, as the service returns them).
func (r *Result) LogAnalytics() LogAnalyticsTable {
	return LogAnalyticsTable{Name: "PrimaryResult", Columns: r.Columns(), Rows: nonNil(r.Rows(true))}
}

// WriteLogAnalytics writes {"tables":[{"name":"PrimaryResult","columns":[...],"rows":[...]}]},
// followed by fork/facet's further tables under their names.
func (r *Result) WriteLogAnalytics(w io.Writer) error {
	primary := *r.Table
	primary.Name = "PrimaryResult"
	return writeLogAnalytics(w, append([]*Table{&primary}, r.More...), r.partialError()) // lawrite.go
}

func nonNil(rows [][]any) [][]any {
	if rows == nil {
		return [][]any{}
	}
	return rows
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// cellText renders a value for text and CSV output (tostring form).
func (r *Result) cellText(c, i int) string {
	return types.FormatText(r.Table.Vecs[c].Get(i))
}

// WriteCSV writes a header row of column names, then the rows in tostring() form.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(r.Table.Cols))
	for i, c := range r.Table.Cols {
		head[i] = c.Name
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	for i := 0; i < r.Table.N; i++ {
		for c := range rec {
			rec[c] = r.cellText(c, i)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteText writes an aligned text table with a header and a rule.
func (r *Result) WriteText(w io.Writer) error {
	t := r.Table
	n := len(t.Cols)
	cells := make([][]string, t.N)
	width := make([]int, n)
	for c, col := range t.Cols {
		width[c] = utf8.RuneCountInString(col.Name)
	}
	for i := 0; i < t.N; i++ {
		row := make([]string, n)
		for c := 0; c < n; c++ {
			s := strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", " ").Replace(r.cellText(c, i))
			row[c] = s
			width[c] = max(width[c], utf8.RuneCountInString(s))
		}
		cells[i] = row
	}
	bw := bufio.NewWriter(w)
	line := func(vals []string) {
		for c, v := range vals {
			if c > 0 {
				bw.WriteString("  ")
			}
			bw.WriteString(v)
			if c < n-1 {
				bw.WriteString(strings.Repeat(" ", width[c]-utf8.RuneCountInString(v)))
			}
		}
		bw.WriteByte('\n')
	}
	head := make([]string, n)
	rule := make([]string, n)
	for c, col := range t.Cols {
		head[c] = col.Name
		rule[c] = strings.Repeat("-", width[c])
	}
	line(head)
	line(rule)
	for _, row := range cells {
		line(row)
	}
	return bw.Flush()
}
