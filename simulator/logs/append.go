package logs

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
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
	err := e.world.Update(tenantID, func(tx *simulator.TenantTx) error { return e.AppendTx(tx, table, rows...) })
	if err != nil {
		return fmt.Errorf("logs: append to %s: %w", table, err)
	}
	return nil
}

// AppendTx is Append inside the caller's transaction: the rows are kept if and only if the
// caller's other changes are (the directory writes its AuditLogs rows this way).
func (e *Engine) AppendTx(tx *simulator.TenantTx, table string, rows ...Row) error {
	if _, ok := e.cats.base[table]; !ok {
		return fmt.Errorf("logs: append: unknown table %q", table)
	}
	log, err := readRowCount(tx)
	if err != nil {
		return err
	}
	if log.Epoch == "" {
		log.Epoch = simulator.NewGUID()
	}
	n := log.N
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
	log.N = n
	return tx.PutJSON(stateColl, keyRowCount, log)
}

// extraRows are the appended rows of one table in its base columns, and the workspace each
// was written to ("" for the Defender side).
type extraRows struct {
	rs *rowSet
	ws []string
}

// snapshot is the rows added so far, in storage of their own: later rows are appended to
// x.rs in place (under tc.mu) while a view built from the snapshot reads it unlocked.
// Appended rows are few (alerts, incidents, health rows), so this is a small copy.
func (x *extraRows) snapshot() *rowSet {
	n := len(x.ws)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	return &rowSet{t: x.rs.t.Gather(idx), times: slices.Clone(x.rs.times[:n]),
		source: slices.Clone(x.rs.source[:n]), attack: slices.Clone(x.rs.attack[:n])}
}

// addExtra converts one stored row and adds it to its table's extra rows (caller holds tc.mu).
func (tc *tenantCache) addExtra(r storedRow) error {
	cols, err := tc.baseColumns(r.Table)
	if err != nil {
		return err
	}
	x := tc.extra[r.Table]
	if x == nil {
		x = &extraRows{rs: &rowSet{t: exec.NewEmptyTable(r.Table, cols)}}
		tc.extra[r.Table] = x
	}
	v := make(map[string]any, len(r.Values)+1)
	for k, val := range r.Values {
		v[k] = val
	}
	if name, ok := timeColumnOf(cols); ok {
		if _, set := v[name]; !set {
			v[name] = r.Time
		}
	}
	if _, set := v["Type"]; !set {
		v["Type"] = r.Table
	}
	row := rowOf(cols, v)
	vals := make([]types.Value, len(cols))
	for i, c := range cols {
		if vals[i], err = exec.FromGo(row[i], c.Type); err != nil {
			return fmt.Errorf("logs: appended row of %s, column %s: %w", r.Table, c.Name, err)
		}
	}
	t := x.rs.t
	for i, val := range vals {
		t.Vecs[i].Append(val)
	}
	t.N++
	src, ws := generate.Source(r.Source), ""
	if w, ok := strings.CutPrefix(r.Source, "workspace:"); ok {
		src, ws = ownSource, w
	}
	x.rs.times = append(x.rs.times, r.Time)
	x.rs.source = append(x.rs.source, src)
	x.rs.attack = append(x.rs.attack, false)
	x.ws = append(x.ws, ws)
	return nil
}

// rowsOf counts the appended rows of a table.
func (tc *tenantCache) rowsOf(table string) int {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if x := tc.extra[table]; x != nil {
		return len(x.ws)
	}
	return 0
}

// ownSource marks rows written by the workspace itself; every workspace routes it.
const ownSource generate.Source = "workspace"

func timeColumnOf(cols []exec.Column) (string, bool) {
	for _, c := range cols {
		if c.Name == "TimeGenerated" || c.Name == "Timestamp" {
			return c.Name, true
		}
	}
	return "", false
}
