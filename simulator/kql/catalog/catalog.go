// Package catalog holds the real column names and Kusto types of every log table the lab uses,
// as documented by Microsoft (Azure Monitor table reference and the Defender XDR advanced hunting
// schema). The JSON files under tables/ are the reference facts; this package only reads them.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
)

//go:embed tables/*.json
var tableFiles embed.FS

// Column is one column of a table: its exact name and its Kusto type
// (bool, int, long, real, decimal, string, datetime, timespan, guid, dynamic).
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Table is the schema of one log table.
type Table struct {
	// Name is the table name as queried (SigninLogs, CloudAppEvents...).
	Name string `json:"table"`
	// TimeColumn is the column that holds the event time (TimeGenerated or Timestamp).
	TimeColumn string `json:"timeColumn"`
	// Columns are the columns in the order the reference lists them.
	Columns []Column `json:"columns"`
	// LogAnalyticsColumns, for advanced hunting tables that also exist in a Sentinel workspace,
	// are the columns of the workspace variant (with TimeGenerated, TenantId, Type...).
	LogAnalyticsColumns []Column `json:"logAnalyticsColumns,omitempty"`
}

// Column returns the named column (exact, case-sensitive match as in Kusto).
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// Catalog is the read-only set of known table schemas.
type Catalog struct {
	tables map[string]Table
}

var (
	loadOnce sync.Once
	loaded   Catalog
	loadErr  error
)

// Load returns the catalog of embedded table schemas. It is parsed once; the result is immutable.
func Load() (Catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = parse() })
	return loaded, loadErr
}

// MustLoad is Load for callers that treat a broken embedded catalog as a programming error.
func MustLoad() Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func parse() (Catalog, error) {
	entries, err := tableFiles.ReadDir("tables")
	if err != nil {
		return Catalog{}, fmt.Errorf("schema: read embedded tables: %w", err)
	}
	c := Catalog{tables: make(map[string]Table, len(entries))}
	for _, e := range entries {
		raw, err := tableFiles.ReadFile(path.Join("tables", e.Name()))
		if err != nil {
			return Catalog{}, fmt.Errorf("schema: read %s: %w", e.Name(), err)
		}
		var t Table
		if err := json.Unmarshal(raw, &t); err != nil {
			return Catalog{}, fmt.Errorf("schema: parse %s: %w", e.Name(), err)
		}
		if t.Name == "" || len(t.Columns) == 0 {
			return Catalog{}, fmt.Errorf("schema: %s: missing table name or columns", e.Name())
		}
		c.tables[t.Name] = t
	}
	return c, nil
}

// Table returns the schema of the named table.
func (c Catalog) Table(name string) (Table, bool) {
	t, ok := c.tables[name]
	return t, ok
}

// TableFold returns the schema of the named table, ignoring case (for file names).
func (c Catalog) TableFold(name string) (Table, bool) {
	if t, ok := c.tables[name]; ok {
		return t, true
	}
	for n, t := range c.tables {
		if strings.EqualFold(n, name) {
			return t, true
		}
	}
	return Table{}, false
}

// Names lists the known tables in sorted order.
func (c Catalog) Names() []string {
	names := make([]string, 0, len(c.tables))
	for n := range c.tables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
