package exec

import (
	"fmt"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Column describes one column of a table: its exact (case-sensitive) name and Kusto type.
// A Hidden column (Log Analytics' _ItemId, _TimeReceived, ...) can be referenced by name but
// is left out of a query's result, of getschema and of wildcard projections' output unless a
// later operator names it explicitly (which yields a visible column).
type Column struct {
	Name   string
	Type   types.Type
	Hidden bool
}

// Table is an immutable columnar table: one Vector per column, all of length N.
// Operators never modify a table they receive; they build new vectors (or share unchanged ones).
type Table struct {
	Name string
	Cols []Column
	Vecs []*Vector
	N    int
}

// NewEmptyTable returns a table with the given columns and no rows.
func NewEmptyTable(name string, cols []Column) *Table {
	t := &Table{Name: name, Cols: cols, Vecs: make([]*Vector, len(cols))}
	for i, c := range cols {
		t.Vecs[i] = NewVector(c.Type, 0)
	}
	return t
}

// ColumnIndex returns the index of the named column or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, c := range t.Cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Row returns row i as values (for tests and output; operators work on vectors).
func (t *Table) Row(i int) []types.Value {
	out := make([]types.Value, len(t.Vecs))
	for c, v := range t.Vecs {
		out[c] = v.Get(i)
	}
	return out
}

// Gather returns the rows at idx as a new table.
func (t *Table) Gather(idx []int32) *Table {
	if a, ok := runOf(idx); ok || len(idx) == 0 {
		return t.gatherRun(a, a+len(idx), nil) // one run of rows: views (gatherview.go)
	}
	out := &Table{Name: t.Name, Cols: t.Cols, Vecs: make([]*Vector, len(t.Vecs)), N: len(idx)}
	for i, v := range t.Vecs {
		out.Vecs[i] = v.Gather(idx)
	}
	return out
}

// Head returns the first n rows (or all of them) as a view sharing t's storage (Prefix).
func (t *Table) Head(n int) *Table { return t.Prefix(n) }

func seq(n int) []int32 {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	return idx
}

// Builder appends rows to a table column by column type; it is not safe for concurrent use.
type Builder struct {
	t      *Table
	intern dynInterner
	texts  []textStore // per column
}

// NewBuilder starts a table with the given columns.
func NewBuilder(name string, cols []Column) *Builder {
	return &Builder{t: NewEmptyTable(name, cols)}
}

// AppendValues adds one row of typed values (converted to each column's type).
func (b *Builder) AppendValues(row []types.Value) error {
	if len(row) != len(b.t.Cols) {
		return fmt.Errorf("table %s: row has %d values, want %d", b.t.Name, len(row), len(b.t.Cols))
	}
	for i, v := range row {
		b.append(i, v)
	}
	b.t.N++
	return nil
}

// Append adds one row of Go values: time.Time (datetime), time.Duration (timespan), string,
// int/int32/int64, float64, bool, nil (null), map[string]any / []any (dynamic).
func (b *Builder) Append(row []any) error {
	if len(row) != len(b.t.Cols) {
		return fmt.Errorf("table %s: row has %d values, want %d", b.t.Name, len(row), len(b.t.Cols))
	}
	for i, x := range row {
		v, err := FromGo(x, b.t.Cols[i].Type)
		if err != nil {
			return fmt.Errorf("table %s, column %s: %w", b.t.Name, b.t.Cols[i].Name, err)
		}
		b.append(i, v)
	}
	b.t.N++
	return nil
}

// append adds v to column i, sharing repeated dynamic values and texts.
func (b *Builder) append(i int, v types.Value) {
	switch {
	case v.T == types.Dynamic:
		v.D = b.intern.share(v.D)
	case v.T == b.t.Vecs[i].T && (v.T == types.String || v.T == types.GUID):
		if b.texts == nil {
			b.texts = make([]textStore, len(b.t.Cols))
		}
		v.S = b.texts[i].keep(v.S)
	}
	b.t.Vecs[i].Append(v)
}

// Len is the number of rows appended so far.
func (b *Builder) Len() int { return b.t.N }

// Table returns the table built so far; the builder must not be used afterwards.
func (b *Builder) Table() *Table {
	t := b.t
	b.t, b.texts, b.intern = nil, nil, dynInterner{} // the sharing maps are not needed any more
	return t
}

// NewTable builds a table from rows of Go values (see Builder.Append for the accepted types).
func NewTable(name string, cols []Column, rows [][]any) (*Table, error) {
	b := NewBuilder(name, cols)
	for _, r := range rows {
		if err := b.Append(r); err != nil {
			return nil, err
		}
	}
	return b.Table(), nil
}
