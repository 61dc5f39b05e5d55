// Package export writes generated tables in the formats Azure Monitor's Logs Ingestion API
// accepts: a JSON array of objects, JSON Lines, or CSV with a header row. Datetimes are ISO-8601
// UTC with a Z, dynamic values are JSON (objects/arrays inline in JSON, JSON text in CSV), nulls
// are JSON null or an empty CSV field. Columns keep the schema's order.
package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
)

// Formats are the supported output formats, by file extension.
var Formats = []string{"json", "jsonl", "csv"}

// TimeFormat is how datetimes are written (RFC 3339, UTC, fractional seconds only when present).
const TimeFormat = time.RFC3339Nano

// Write encodes a table in a format.
func Write(w io.Writer, t *generate.Table, format string) error {
	bw := bufio.NewWriterSize(w, 256<<10)
	var err error
	switch format {
	case "json":
		err = writeJSON(bw, t, true)
	case "jsonl":
		err = writeJSON(bw, t, false)
	case "csv":
		err = writeCSV(bw, t)
	default:
		return fmt.Errorf("export: unknown format %q (json, jsonl, csv)", format)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", t.Name, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export %s: %w", t.Name, err)
	}
	return nil
}

func writeJSON(w *bufio.Writer, t *generate.Table, array bool) error {
	keys := make([][]byte, len(t.Columns))
	for i, c := range t.Columns {
		k, _ := json.Marshal(c.Name)
		keys[i] = append(k, ':')
	}
	if array {
		w.WriteString("[")
	}
	for r, row := range t.Rows {
		if array {
			if r > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n")
		}
		w.WriteByte('{')
		for i, v := range row {
			if i > 0 {
				w.WriteByte(',')
			}
			w.Write(keys[i])
			if err := writeValue(w, v); err != nil {
				return fmt.Errorf("row %d column %s: %w", r, t.Columns[i].Name, err)
			}
		}
		w.WriteByte('}')
		if !array {
			w.WriteByte('\n')
		}
	}
	if array {
		w.WriteString("\n]\n")
	}
	return nil
}

func writeValue(w *bufio.Writer, v any) error {
	switch x := v.(type) {
	case nil:
		w.WriteString("null")
	case string:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		w.Write(b)
	case time.Time:
		w.WriteByte('"')
		w.WriteString(x.UTC().Format(TimeFormat))
		w.WriteByte('"')
	case int64:
		w.WriteString(strconv.FormatInt(x, 10))
	case float64:
		w.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	case bool:
		w.WriteString(strconv.FormatBool(x))
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return err
		}
		w.Write(b)
	}
	return nil
}

// Text renders one value as CSV text.
func Text(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case time.Time:
		return x.UTC().Format(TimeFormat), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func writeCSV(w *bufio.Writer, t *generate.Table) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(t.Columns))
	for r, row := range t.Rows {
		for i, v := range row {
			s, err := Text(v)
			if err != nil {
				return fmt.Errorf("row %d column %s: %w", r, t.Columns[i].Name, err)
			}
			rec[i] = s
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
