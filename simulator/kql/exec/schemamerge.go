package exec

import (
	"slices"

	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/types"
)

// SchemaMerge is `evaluate schema_merge([PreserveOrder])` over getschema rows (ColumnName,
// ColumnOrdinal, DataType, ColumnType): one row per column name. With PreserveOrder a column
// keeps the position where it first appeared; without it, its position in the last schema
// that has it. The first type met wins.
type SchemaMerge struct {
	In            Node
	PreserveOrder bool
}

// Columns is getschema's shape with a long ordinal.
func (s *SchemaMerge) Columns() []Column {
	return []Column{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Long}, {Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}
}

// Run merges the schemas.
func (s *SchemaMerge) Run(env *Env) (*Table, error) {
	t, err := s.In.Run(env)
	if err != nil {
		return nil, err
	}
	name, ord, dt, ct := t.ColumnIndex("ColumnName"), t.ColumnIndex("ColumnOrdinal"), t.ColumnIndex("DataType"), t.ColumnIndex("ColumnType")
	if name < 0 || ord < 0 || dt < 0 || ct < 0 {
		return nil, diag.Errorf(diag.CodeRuntimeError, diag.NoPos, diag.NoPos, "schema_merge: the input must be getschema output (ColumnName, ColumnOrdinal, DataType, ColumnType)")
	}
	type merged struct {
		name, dataType, colType string
		ordinal                 int64
		first                   int
	}
	byName := map[string]*merged{}
	var order []*merged
	for i := 0; i < t.N; i++ {
		n := types.FormatText(t.Vecs[name].Get(i))
		o, _ := t.Vecs[ord].Get(i).AsInt()
		m, ok := byName[n]
		if !ok {
			m = &merged{name: n, dataType: types.FormatText(t.Vecs[dt].Get(i)), colType: types.FormatText(t.Vecs[ct].Get(i)), ordinal: o, first: len(order)}
			byName[n] = m
			order = append(order, m)
			continue
		}
		if !s.PreserveOrder {
			m.ordinal = o
		}
	}
	if !s.PreserveOrder {
		slices.SortStableFunc(order, func(a, b *merged) int {
			if a.ordinal != b.ordinal {
				return int(a.ordinal - b.ordinal)
			}
			return a.first - b.first
		})
	}
	b := NewBuilder("", s.Columns())
	for k, m := range order {
		if err := b.Append([]any{m.name, int64(k), m.dataType, m.colType}); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}
