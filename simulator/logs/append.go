package logs

import (
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// Row is a row another part of the simulator writes into a table (the rule engine's
// SecurityAlert, SecurityIncident and SentinelHealth rows; Defender's AlertInfo...).
type Row struct {
	// Workspace is the customerId of the workspace the row is written to; "" writes it to the
	// Defender side (advanced hunting), from where workspaces that route Source receive it.
	Workspace string
	// Source is the emitter, for routing rows of the Defender side (e.g. generate.SourceDefenderXDR).
	Source generate.Source
	// Time is the event time (the table's time column unless Values sets it).
	Time time.Time
	// Values are the columns by name; missing strings are "", other missing columns null.
	Values map[string]any
}

// Append stores rows of one table in the tenant's state, all or none. Each becomes visible
// once the tenant clock passes its Time plus the table's ingestion delay.
func (e *Engine) Append(tenantID, table string, rows ...Row) error {
	if _, ok := e.cats.base[table]; !ok {
		return fmt.Errorf("logs: append: unknown table %q", table)
	}
	err := e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		n, err := readRowCount(tx)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if r.Time.IsZero() {
				return fmt.Errorf("logs: append to %s: a row has no time", table)
			}
			n++
			s := storedRow{Table: table, Source: string(r.Source), Time: r.Time.UTC(), Values: r.Values}
			if r.Workspace != "" {
				s.Source = "workspace:" + strings.ToLower(r.Workspace)
			}
			if err := tx.PutJSON(rowsColl, rowKey(n), s); err != nil {
				return err
			}
		}
		return tx.PutJSON(stateColl, keyRowCount, n)
	})
	if err != nil {
		return fmt.Errorf("logs: append to %s: %w", table, err)
	}
	return nil
}

// appended returns the appended rows of a table that belong to the database (caller holds tc.mu).
func (tc *tenantCache) appended(d *database, table string, cols []kql.Column) (*rowSet, error) {
	rs := &rowSet{}
	var rows [][]any
	for _, r := range tc.rows {
		if r.Table != table {
			continue
		}
		src := generate.Source(r.Source)
		if ws, ok := strings.CutPrefix(r.Source, "workspace:"); ok {
			if d.ws == nil || ws != d.ws.CustomerID {
				continue
			}
			src = ownSource
		}
		v := map[string]any{}
		for k, x := range r.Values {
			v[k] = x
		}
		if name, ok := timeColumnOf(cols); ok {
			if _, set := v[name]; !set {
				v[name] = r.Time
			}
		}
		rows = append(rows, rowOf(cols, v))
		rs.times = append(rs.times, r.Time)
		rs.source = append(rs.source, src)
		rs.attack = append(rs.attack, false)
	}
	t, err := kql.NewTable(table, cols, rows)
	if err != nil {
		return nil, fmt.Errorf("logs: appended rows of %s: %w", table, err)
	}
	rs.t = t
	return rs, nil
}

// ownSource marks rows written by the workspace itself; every workspace routes it.
const ownSource generate.Source = "workspace"

func timeColumnOf(cols []kql.Column) (string, bool) {
	for _, c := range cols {
		if c.Name == "TimeGenerated" || c.Name == "Timestamp" {
			return c.Name, true
		}
	}
	return "", false
}
