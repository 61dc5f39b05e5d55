package kql

import (
	"fmt"

	"github.com/soclab/soclab/scenarios/schema"
)

// SchemaColumns converts a reference table schema (scenarios/schema) to engine columns.
func SchemaColumns(t schema.Table) ([]Column, error) {
	cols := make([]Column, len(t.Columns))
	for i, c := range t.Columns {
		ty, ok := ParseType(c.Type)
		if !ok {
			return nil, fmt.Errorf("table %s column %s: unknown type %q", t.Name, c.Name, c.Type)
		}
		cols[i] = Column{Name: c.Name, Type: ty}
	}
	return cols, nil
}

// LabCatalog returns the catalog of the lab's real table schemas (scenarios/schema).
func LabCatalog() (MapCatalog, error) {
	sc, err := schema.Load()
	if err != nil {
		return nil, err
	}
	out := MapCatalog{}
	for _, n := range sc.Names() {
		t, _ := sc.Table(n)
		cols, err := SchemaColumns(t)
		if err != nil {
			return nil, err
		}
		out[n] = cols
	}
	return out, nil
}
