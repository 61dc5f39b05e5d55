package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator/blobs"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// readLabBlob serves externaldata in the local modes as the lab does: the scenario's storage
// blobs by URL, nothing else (the lab is offline).
func readLabBlob(_ context.Context, uri string) ([]byte, error) {
	s, err := scenario.LoadBuiltin(labScenario)
	if err != nil {
		return nil, err
	}
	b, err := blobs.Read(s, uri)
	if errors.Is(err, blobs.ErrOffline) {
		return nil, fmt.Errorf("%w: %v", kql.ErrUnreachable, err)
	}
	return b, err
}

// dataCatalog gives the schema each table file of dir is loaded with: the workspace's columns
// or advanced hunting's (schema "workspace" or "hunting"), or, with schema "", per table: the
// one place that has the table, else the one whose time column the file has (TimeGenerated:
// a workspace export, Timestamp: a hunting export). Tables of neither keep the file's columns.
func dataCatalog(dir, schema string) (kql.MapCatalog, error) {
	ws, hunt, err := logs.SchemaCatalogs()
	if err != nil {
		return nil, err
	}
	switch schema {
	case "", "workspace", "hunting":
	default:
		return nil, fmt.Errorf("--schema must be workspace or hunting, not %q", schema)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read data folder: %w", err)
	}
	cat := kql.MapCatalog{}
	for _, e := range entries {
		ext := filepath.Ext(e.Name())
		if e.IsDir() || (ext != ".json" && ext != ".jsonl" && ext != ".csv") {
			continue
		}
		name := strings.TrimSuffix(e.Name(), ext)
		wcols, inWS := ws.Table(name)
		hcols, inHunt := hunt.Table(name)
		switch {
		case schema == "workspace" && inWS, schema == "" && inWS && !inHunt:
			cat[name] = wcols
		case schema == "hunting" && inHunt, schema == "" && inHunt && !inWS:
			cat[name] = hcols
		case schema == "" && inWS && inHunt:
			if fields := firstRecordFields(filepath.Join(dir, e.Name())); fields["Timestamp"] && !fields["TimeGenerated"] {
				cat[name] = hcols
			} else {
				cat[name] = wcols
			}
		}
	}
	return cat, nil
}

// firstRecordFields returns the field names of a table file's first record (a JSON array's
// first object, a JSON-lines file's first line, a CSV header); nil when it cannot tell.
func firstRecordFields(path string) map[string]bool {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var keys []string
	switch filepath.Ext(path) {
	case ".csv":
		rec, err := csv.NewReader(r).Read()
		if err != nil {
			return nil
		}
		keys = rec
	case ".jsonl":
		line, _ := r.ReadBytes('\n')
		var m map[string]json.RawMessage
		if json.Unmarshal(line, &m) != nil {
			return nil
		}
		for k := range m {
			keys = append(keys, k)
		}
	default:
		d := json.NewDecoder(r)
		if tok, err := d.Token(); err != nil || tok != json.Delim('[') || !d.More() {
			return nil
		}
		var m map[string]json.RawMessage
		if d.Decode(&m) != nil {
			return nil
		}
		for k := range m {
			keys = append(keys, k)
		}
	}
	out := map[string]bool{}
	for _, k := range keys {
		out[strings.TrimSpace(strings.TrimPrefix(k, "\ufeff"))] = true
	}
	return out
}

// loadData loads dir's table files with dataCatalog's schemas; a lab table keeps exactly its
// place's columns (fields of the other place, such as a workspace export's TimeGenerated read
// with --schema hunting, are dropped, as the real table would not have them).
func loadData(dir, schema string) (kql.MapDatabase, error) {
	cat, err := dataCatalog(dir, schema)
	if err != nil {
		return nil, err
	}
	db, err := kql.LoadDir(dir, cat)
	if err != nil {
		return nil, err
	}
	for name, cols := range cat {
		if t, ok := db[name]; ok && len(t.Cols) > len(cols) {
			db[name] = &kql.Table{Name: t.Name, Cols: t.Cols[:len(cols)], Vecs: t.Vecs[:len(cols)], N: t.N}
		}
	}
	return db, nil
}
