package logs

import (
	"fmt"
	"sync"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql"
)

// RowSource supplies the rows of a table that another part of the simulator keeps itself, in
// its own compact form (the rule engine's SentinelHealth rows: one per rule run, far too many
// to append one by one). Its rows are routed like appended workspace rows: visible in their
// workspace once the clock passes their time plus the table's ingestion delay.
type RowSource interface {
	// Version changes whenever the tenant's rows change (views are rebuilt when it does).
	Version(tenantID string) (int, error)
	// Rows returns the tenant's rows for the workspace customerID, in the columns cols, with
	// each row's event time.
	Rows(tenantID, customerID string, cols []kql.Column) (*kql.Table, []time.Time, error)
}

// sourceSet is the row sources registered per table.
type sourceSet struct {
	mu sync.Mutex
	m  map[string][]RowSource
}

func (s *sourceSet) of(table string) []RowSource {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[table]
}

// AddSource registers a source of rows of table (a workspace table of the catalog).
func (e *Engine) AddSource(table string, src RowSource) error {
	if _, ok := e.cats.base[table]; !ok {
		return fmt.Errorf("logs: add source: unknown table %q", table)
	}
	e.sources.mu.Lock()
	defer e.sources.mu.Unlock()
	if e.sources.m == nil {
		e.sources.m = map[string][]RowSource{}
	}
	e.sources.m[table] = append(e.sources.m[table], src)
	return nil
}

// sourceVersions is the part of a view's signature that the table's sources give.
func (d *database) sourceVersions(table string) string {
	out := ""
	for _, s := range d.tc.e.sources.of(table) {
		v, err := s.Version(d.tc.tenant.ID)
		if err != nil {
			v = -1
		}
		out += fmt.Sprintf("|src%d", v)
	}
	return out
}

// sourced returns the rows the table's sources give for the database's workspace.
func (tc *tenantCache) sourced(d *database, table string, cols []kql.Column) ([]*rowSet, error) {
	if d.ws == nil {
		return nil, nil
	}
	var out []*rowSet
	for _, s := range tc.e.sources.of(table) {
		t, times, err := s.Rows(tc.tenant.ID, d.ws.CustomerID, cols)
		if err != nil {
			return nil, fmt.Errorf("logs: rows of %s: %w", table, err)
		}
		rs := &rowSet{t: t, times: times, source: make([]generate.Source, len(times)), attack: make([]bool, len(times))}
		for i := range rs.source {
			rs.source[i] = ownSource
		}
		out = append(out, rs)
	}
	return out, nil
}
