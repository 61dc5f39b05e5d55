package logs

import (
	"slices"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// buildPrivate builds the view of a table in which the tenant has rows of its own (the
// action log, appended rows, replays, registered sources): the shared view of the table's
// generated rows with the tenant's ids (the overlay a tenant without own rows reads), merged
// by ingestion time with the tenant's own rows (generated rows first among equal times, as a
// stable sort of all of them puts them). The generated rows are never converted value by
// value: an ARM write rebuilds AzureActivity at the cost of a merge.
func (tc *tenantCache) buildPrivate(d *database, table string, own []candidate) (*view, error) {
	sv, err := tc.shared.view(tc, d, table)
	if err != nil {
		return nil, err
	}
	base, err := tc.overlay(sv, d)
	if err != nil {
		return nil, err
	}
	cols, err := tc.baseColumns(table)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(own, func(a, b candidate) int { return a.ingest.Compare(b.ingest) })
	t, err := gatherView(table, cols, own, nil, d.check)
	if err != nil {
		return nil, err
	}
	mine := finishView(t, table, own, d.cat, d.ws)
	return mergeViews(base, mine, d.ws, d.check)
}

// mergeViews merges two ingestion-ordered views of one table (a's rows first among equal
// ingestion times). A workspace table's TenantId stays a constant column.
func mergeViews(a, b *view, ws *WorkspaceInfo, check func() error) (*view, error) {
	n := len(a.ingest) + len(b.ingest)
	// from[r] says where merged row r comes from: i ≥ 0 is a's row i, -1-j is b's row j.
	from := make([]int32, 0, n)
	ingest := make([]time.Time, 0, n)
	i, j := 0, 0
	for i < len(a.ingest) || j < len(b.ingest) {
		if j == len(b.ingest) || (i < len(a.ingest) && !b.ingest[j].Before(a.ingest[i])) {
			from, ingest = append(from, int32(i)), append(ingest, a.ingest[i])
			i++
		} else {
			from, ingest = append(from, int32(-1-j)), append(ingest, b.ingest[j])
			j++
		}
	}
	out := &kql.Table{Name: a.t.Name, Cols: a.t.Cols, Vecs: make([]*exec.Vector, len(a.t.Cols)), N: n}
	for c, col := range a.t.Cols {
		if err := check(); err != nil {
			return nil, err
		}
		if col.Name == "TenantId" && ws != nil {
			out.Vecs[c] = exec.ConstVector(col.Type, types.NewString(ws.CustomerID), n)
			continue
		}
		va, vb := a.t.Vecs[c], b.t.Vecs[c]
		v := exec.NewVector(col.Type, n)
		for _, f := range from {
			if f >= 0 {
				v.Append(va.Get(int(f)))
			} else {
				v.Append(vb.Get(int(-1 - f)))
			}
		}
		out.Vecs[c] = v
	}
	return &view{t: out, ingest: ingest}, nil
}
