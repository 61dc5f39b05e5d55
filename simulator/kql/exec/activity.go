package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// ActivityCounts is `evaluate activity_counts_metrics(Id, Time, Start, End, Window)`: for each
// window from Start through End, the rows (count), the distinct ids (dcount), the ids not seen
// in an earlier window (new_dcount) and the distinct ids so far (aggregated_dcount).
type ActivityCounts struct {
	In                Node
	ID, Time          Expr
	Start, End, Width int64 // ticks
}

// Columns is Timestamp, count, dcount, new_dcount, aggregated_dcount.
func (a *ActivityCounts) Columns() []Column {
	return []Column{{Name: "Timestamp", Type: types.DateTime}, {Name: "count", Type: types.Long}, {Name: "dcount", Type: types.Long},
		{Name: "new_dcount", Type: types.Long}, {Name: "aggregated_dcount", Type: types.Long}}
}

// Run counts per window.
func (a *ActivityCounts) Run(env *Env) (*Table, error) {
	t, err := a.In.Run(env)
	if err != nil {
		return nil, err
	}
	n := int((a.End-a.Start)/a.Width) + 1
	if a.Width <= 0 || a.End < a.Start || n > 100_000 {
		return NewEmptyTable("", a.Columns()), nil
	}
	counts := make([]int64, n)
	ids := make([]map[string]bool, n)
	for i := 0; i < t.N; i++ {
		if i%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		ts := a.Time.Eval(env, t, i)
		if ts.IsNull() || ts.T != types.DateTime || ts.I < a.Start {
			continue
		}
		w := int((ts.I - a.Start) / a.Width)
		if w >= n {
			continue
		}
		counts[w]++
		id := a.ID.Eval(env, t, i)
		if id.IsNull() {
			continue
		}
		if ids[w] == nil {
			ids[w] = map[string]bool{}
		}
		ids[w][string(types.AppendKey(nil, id))] = true
	}
	seen := map[string]bool{}
	b := NewBuilder("", a.Columns())
	for w := 0; w < n; w++ {
		fresh := int64(0)
		for id := range ids[w] {
			if !seen[id] {
				seen[id] = true
				fresh++
			}
		}
		row := []any{types.NewDateTimeTicks(a.Start + int64(w)*a.Width), counts[w], int64(len(ids[w])), fresh, int64(len(seen))}
		if err := b.Append(row); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}
