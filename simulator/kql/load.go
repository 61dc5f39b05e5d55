package kql

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// LoadDir reads one table per file of dir: <Table>.json (an array of objects), <Table>.jsonl
// (one object per line) or <Table>.csv (a header row). A table known to known (the lab
// schemas) gets the schema's exact name and columns (fields the schema lacks are appended
// with inferred types); other tables get columns in order of first appearance with types
// inferred from the values.
func LoadDir(dir string, known Catalog) (MapDatabase, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read data folder: %w", err)
	}
	db := MapDatabase{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if ext != ".json" && ext != ".jsonl" && ext != ".csv" {
			continue
		}
		name := strings.TrimSuffix(e.Name(), filepath.Ext(e.Name()))
		path := filepath.Join(dir, e.Name())
		t, err := LoadFile(path, name, known)
		if err != nil {
			return nil, err
		}
		if _, dup := db[t.Name]; dup {
			return nil, fmt.Errorf("%s: table %s is loaded twice", path, t.Name)
		}
		db[t.Name] = t
	}
	return db, nil
}

// LoadFile reads one table file (see LoadDir).
func LoadFile(path, name string, known Catalog) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	var schema []Column
	if known != nil {
		if cols, ok := known.Table(name); ok {
			schema = cols
		} else {
			for _, n := range known.Names() {
				if strings.EqualFold(n, name) {
					name = n
					schema, _ = known.Table(n)
					break
				}
			}
		}
	}
	var recs []record
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		recs, err = readCSV(f)
	case ".jsonl":
		recs, err = readJSONL(f)
	default:
		recs, err = readJSONArray(f)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	t, err := buildTable(name, schema, recs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// record is one input row: field names in order and their raw values (JSON values, or
// strings from CSV, marked by fromText).
type record struct {
	keys     []string
	vals     map[string]any
	fromText bool
}

func readJSONArray(r io.Reader) ([]record, error) {
	dec := json.NewDecoder(bufio.NewReader(r))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("expected a JSON array of objects: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("expected a JSON array of objects")
	}
	var recs []record
	for dec.More() {
		rec, err := readObject(dec)
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", len(recs)+1, err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

func readJSONL(r io.Reader) ([]record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	var recs []record
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(text))
		dec.UseNumber()
		rec, err := readObject(dec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		recs = append(recs, rec)
	}
	return recs, sc.Err()
}

// readObject decodes one JSON object keeping its key order.
func readObject(dec *json.Decoder) (record, error) {
	tok, err := dec.Token()
	if err != nil {
		return record{}, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return record{}, fmt.Errorf("expected a JSON object")
	}
	rec := record{vals: map[string]any{}}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return record{}, err
		}
		k, _ := kt.(string)
		var v any
		if err := dec.Decode(&v); err != nil {
			return record{}, err
		}
		if _, dup := rec.vals[k]; !dup {
			rec.keys = append(rec.keys, k)
		}
		rec.vals[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return record{}, err
	}
	return rec, nil
}

func readCSV(r io.Reader) ([]record, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	var recs []record
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		rec := record{keys: head, vals: map[string]any{}, fromText: true}
		for i, h := range head {
			if i < len(row) {
				rec.vals[h] = row[i]
			}
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// buildTable types the columns and converts every value.
func buildTable(name string, schema []Column, recs []record) (*Table, error) {
	cols := append([]Column(nil), schema...)
	have := map[string]bool{}
	for _, c := range cols {
		have[c.Name] = true
	}
	var extra []string
	for _, r := range recs {
		for _, k := range r.keys {
			if !have[k] {
				have[k] = true
				extra = append(extra, k)
			}
		}
	}
	for _, k := range extra {
		cols = append(cols, Column{Name: k, Type: inferType(k, recs)})
	}
	b := NewBuilder(name, cols)
	row := make([]types.Value, len(cols))
	for i, r := range recs {
		for c, col := range cols {
			raw := r.vals[col.Name]
			if raw == nil && c < len(schema) && col.Name == "Type" && col.Type == types.String {
				// Log Analytics' standard column Type is always the table's name.
				raw = name
			}
			v, err := convertRaw(raw, col.Type, r.fromText)
			if err != nil {
				return nil, fmt.Errorf("row %d, column %s: %w", i+1, col.Name, err)
			}
			row[c] = v
		}
		if err := b.AppendValues(row); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}

// inferType picks the narrowest Kusto type that holds every value of a field.
func inferType(field string, recs []record) Type {
	kinds := map[types.Type]bool{}
	for _, r := range recs {
		v, ok := r.vals[field]
		if !ok || v == nil {
			continue
		}
		kinds[guessType(v, r.fromText)] = true
	}
	delete(kinds, types.Null)
	switch {
	case len(kinds) == 0:
		return types.String
	case len(kinds) == 1:
		for t := range kinds {
			return t
		}
	case len(kinds) == 2 && kinds[types.Long] && kinds[types.Real]:
		return types.Real
	}
	if kinds[types.Dynamic] {
		return types.Dynamic
	}
	return types.String
}

func guessType(v any, fromText bool) Type {
	switch x := v.(type) {
	case bool:
		return types.Bool
	case json.Number:
		if _, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return types.Long
		}
		return types.Real
	case map[string]any, []any:
		return types.Dynamic
	case string:
		if x == "" {
			return types.Null
		}
		if fromText {
			if _, err := strconv.ParseInt(x, 10, 64); err == nil {
				return types.Long
			}
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return types.Real
			}
			if x == "true" || x == "false" || x == "True" || x == "False" {
				return types.Bool
			}
		}
		if looksLikeDateTime(x) {
			return types.DateTime
		}
		return types.String
	}
	return types.String
}

// looksLikeDateTime accepts ISO-8601 date-times (2025-01-15T08:30:00Z and variants).
func looksLikeDateTime(s string) bool {
	if len(s) < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') {
		return false
	}
	_, ok := types.ParseDateTime(s)
	return ok
}

// convertRaw converts a raw JSON or CSV value to type t.
func convertRaw(v any, t Type, fromText bool) (types.Value, error) {
	if v == nil {
		return types.NullOf(t), nil
	}
	switch x := v.(type) {
	case json.Number:
		if i, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return types.Convert(types.NewLong(i), t), nil
		}
		f, _ := strconv.ParseFloat(string(x), 64)
		return types.Convert(types.NewReal(f), t), nil
	case bool:
		return types.Convert(types.NewBool(x), t), nil
	case string:
		if t == types.String {
			return types.NewString(x), nil
		}
		if x == "" {
			return types.NullOf(t), nil
		}
		if t == types.Dynamic {
			if d, err := types.ParseJSON(x); err == nil && (fromText || strings.HasPrefix(x, "{") || strings.HasPrefix(x, "[")) {
				return types.NewDynamic(d), nil
			}
			return types.NewDynamic(x), nil
		}
		out := types.Convert(types.NewString(x), t)
		if out.IsNull() {
			return out, fmt.Errorf("cannot read %q as %s", x, t)
		}
		return out, nil
	case map[string]any, []any:
		d, err := types.ParseJSON(mustJSON(x))
		if err != nil {
			return types.Value{}, err
		}
		if t == types.String {
			return types.NewString(types.DynamicJSON(d)), nil
		}
		return types.Convert(types.NewDynamic(d), t), nil
	}
	return types.NullOf(t), nil
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
