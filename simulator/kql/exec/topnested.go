package exec

import (
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// TopLevel is one level of top-nested: group by Of, aggregate Agg per group, keep the top N
// groups (all when N is nil) ordered by the aggregate.
type TopLevel struct {
	Of   Expr
	Agg  *AggSpec
	N    *Expr
	Desc bool
}

// TopNested is the top-nested operator. Output: per level, the Of column then the aggregate.
type TopNested struct {
	In     Node
	Levels []TopLevel
	Cols   []Column
}

// Columns is of_1, agg_1, of_2, agg_2...
func (n *TopNested) Columns() []Column { return n.Cols }

// Run partitions recursively.
func (n *TopNested) Run(env *Env) (*Table, error) {
	t, err := n.In.Run(env)
	if err != nil {
		return nil, err
	}
	b := NewBuilder("", n.Cols)
	rows := make([]int32, t.N)
	for i := range rows {
		rows[i] = int32(i)
	}
	prefix := make([]types.Value, 0, len(n.Cols))
	var walk func(level int, rows []int32) error
	walk = func(level int, rows []int32) error {
		if err := env.Check(); err != nil {
			return err
		}
		if level == len(n.Levels) {
			return b.AppendValues(prefix)
		}
		lv := n.Levels[level]
		g := NewGrouper()
		agg := lv.Agg.New()
		var keys []types.Value
		var members [][]int32
		val := make([]types.Value, 1)
		for _, r := range rows {
			val[0] = lv.Of.Eval(env, t, int(r))
			id, isNew := g.ID(val)
			if isNew {
				keys = append(keys, val[0])
				members = append(members, nil)
			}
			members[id] = append(members[id], r)
			agg.Add(env, id, t, int(r))
		}
		results := make([]types.Value, len(keys))
		out := make([]types.Value, 1)
		order := make([]int, len(keys))
		for i := range keys {
			agg.Result(int32(i), out)
			results[i] = out[0]
			order[i] = i
		}
		sort.SliceStable(order, func(x, y int) bool {
			a, b := results[order[x]], results[order[y]]
			if a.IsNull() || b.IsNull() {
				return !a.IsNull()
			}
			c := Compare(a, b)
			if lv.Desc {
				return c > 0
			}
			return c < 0
		})
		if lv.N != nil {
			if k, ok := lv.N.Eval(env, nil, 0).AsInt(); ok && int(k) < len(order) {
				order = order[:max(k, 0)]
			}
		}
		for _, i := range order {
			prefix = append(prefix, keys[i], results[i])
			if err := walk(level+1, members[i]); err != nil {
				return err
			}
			prefix = prefix[:len(prefix)-2]
		}
		return nil
	}
	if err := walk(0, rows); err != nil {
		return nil, err
	}
	return b.Table(), nil
}
