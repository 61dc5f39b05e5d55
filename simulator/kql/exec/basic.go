package exec

import (
	"sync/atomic"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// checkEvery is how many rows an operator processes between cancellation checks.
const checkEvery = 4096

// Source is a constant table (datatable, a table given by the caller).
type Source struct {
	T *Table
}

// Columns returns the table's columns.
func (s *Source) Columns() []Column { return s.T.Cols }

// Run returns the table.
func (s *Source) Run(*Env) (*Table, error) { return s.T, nil }

// Scan reads a database table by name. Columns the table lacks (the data's schema is older or
// narrower than the catalog's) are filled with nulls; the output always has Cols.
type Scan struct {
	Name string
	Cols []Column
	// Pos is where the table is named, for the runtime "not found" error.
	Missing string
}

// Columns returns the catalog schema.
func (s *Scan) Columns() []Column { return s.Cols }

// Run fetches the table from the environment's database.
func (s *Scan) Run(env *Env) (*Table, error) {
	t, ok := env.DB(s.Name)
	if !ok {
		return NewEmptyTable(s.Name, s.Cols), nil
	}
	if sameColumns(t.Cols, s.Cols) {
		return t, nil
	}
	out := &Table{Name: s.Name, Cols: s.Cols, Vecs: make([]*Vector, len(s.Cols)), N: t.N}
	for i, c := range s.Cols {
		j := t.ColumnIndex(c.Name)
		switch {
		case j < 0:
			out.Vecs[i] = NullVector(c.Type, t.N)
		case t.Cols[j].Type == c.Type:
			out.Vecs[i] = t.Vecs[j]
		default:
			v := NewVector(c.Type, t.N)
			for r := 0; r < t.N; r++ {
				v.Append(t.Vecs[j].Get(r))
			}
			out.Vecs[i] = v
		}
	}
	return out, nil
}

// sameColumns compares names and types: a table given by the caller need not carry the
// catalog's Hidden flags (those are read from the plan's columns).
func sameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Type != b[i].Type {
			return false
		}
	}
	return true
}

// HiddenColumns marks which columns of a run's output table are hidden according to the
// plan's columns for it (matched by position when the shapes agree, else by name).
func HiddenColumns(plan, actual []Column) []bool {
	out := make([]bool, len(actual))
	if sameColumns(plan, actual) {
		for i, c := range plan {
			out[i] = c.Hidden
		}
		return out
	}
	byName := map[string]bool{}
	for _, c := range plan {
		if c.Hidden {
			byName[c.Name] = true
		}
	}
	for i, c := range actual {
		out[i] = c.Hidden || byName[c.Name]
	}
	return out
}

// WithoutHidden returns t without the columns hidden[i] marks (t itself when none is).
func WithoutHidden(t *Table, hidden []bool) *Table {
	n := 0
	for _, h := range hidden {
		if h {
			n++
		}
	}
	if n == 0 {
		return t
	}
	out := &Table{Name: t.Name, N: t.N}
	for i, c := range t.Cols {
		if !hidden[i] {
			c.Hidden = false
			out.Cols = append(out.Cols, c)
			out.Vecs = append(out.Vecs, t.Vecs[i])
		}
	}
	return out
}

// Filter keeps the rows where every predicate is true (where, filter; consecutive where
// operators are fused into one Filter). Each predicate narrows a selection vector; the table
// is gathered once at the end.
type Filter struct {
	In    Node
	Preds []Expr
	// Cols caches In.Columns() (nil: ask In): long pipelines of pass-through operators
	// would otherwise walk the whole chain for every operator analyzed.
	Cols []Column

	// Need marks the output columns later operators read (nil: all; see Prune): the others
	// are not gathered.
	Need []bool

	// claimed is shared by the filters whose Preds share one backing array: the length
	// of the longest of them, so And can extend in place only the longest one.
	claimed *atomic.Int64
}

// And returns a filter that also requires pred (consecutive where operators). It extends
// Preds in place when no other filter has claimed the spare capacity, so a chain of n
// where operators compiles in O(n) rather than O(n²), and f itself is never changed.
func (f *Filter) And(pred Expr) *Filter {
	n := int64(len(f.Preds))
	if f.claimed != nil && f.claimed.CompareAndSwap(n, n+1) {
		return &Filter{In: f.In, Preds: append(f.Preds, pred), Cols: f.Cols, claimed: f.claimed}
	}
	preds := make([]Expr, len(f.Preds), 2*len(f.Preds)+1)
	copy(preds, f.Preds)
	c := &atomic.Int64{}
	c.Store(n + 1)
	return &Filter{In: f.In, Preds: append(preds, pred), Cols: f.Cols, claimed: c}
}

// Columns is the input schema.
func (f *Filter) Columns() []Column {
	if f.Cols != nil {
		return f.Cols
	}
	return f.In.Columns()
}

// Run evaluates the predicates into a selection vector, then gathers the kept rows.
func (f *Filter) Run(env *Env) (*Table, error) {
	t, sel, err := f.selection(env)
	if err != nil {
		return nil, err
	}
	if len(sel) == t.N {
		return t, nil
	}
	if err := env.ChargeCells(len(sel), neededCols(t.Cols, f.Need), ""); err != nil {
		return nil, err
	}
	return t.GatherNeeded(env, sel, f.Need), nil
}

// Count is the number of rows Run would return, without gathering them (`where ... | count`).
func (f *Filter) Count(env *Env) (int, error) {
	_, sel, err := f.selection(env)
	return len(sel), err
}

// selection returns the input and the rows of it that pass every predicate.
func (f *Filter) selection(env *Env) (*Table, []int32, error) {
	if u, ok := f.In.(*Union); ok {
		return f.unionSelection(env, u) // each input filtered in place (unionfilter.go)
	}
	t, err := f.In.Run(env)
	if err != nil {
		return nil, nil, err
	}
	if sel, ok := parallelSelection(env, t, f.Preds); ok {
		return t, sel, env.Check()
	}
	var sel []int32 // nil: all rows
	for _, p := range f.Preds {
		if err := env.Check(); err != nil {
			return nil, nil, err
		}
		if p.Vec != nil {
			sel = p.Vec(env, t, sel)
		} else {
			sel, err = filterRows(env, p, t, sel)
			if err != nil {
				return nil, nil, err
			}
		}
		if sel == nil {
			sel = []int32{}
		}
		if len(sel) == 0 {
			break
		}
	}
	return t, sel, nil
}

// filterRows evaluates a predicate row by row over the candidates.
func filterRows(env *Env, p Expr, t *Table, in []int32) ([]int32, error) {
	keep := func(i int) bool {
		v := p.Eval(env, t, i)
		return v.T == types.Bool && !v.Null && v.I != 0
	}
	if in == nil {
		out := make([]int32, 0, t.N/4+1)
		for i := 0; i < t.N; i++ {
			if i%checkEvery == 0 {
				if err := env.Check(); err != nil {
					return nil, err
				}
			}
			if keep(i) {
				out = append(out, int32(i))
			}
		}
		return out, nil
	}
	out := in[:0]
	for k, i := range in {
		if k%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return nil, err
			}
		}
		if keep(int(i)) {
			out = append(out, i)
		}
	}
	return out, nil
}

// Project computes a new column list: each output is a passthrough of an input column
// (Pass[i] >= 0) or an expression (Exprs[i]). It implements project, extend, project-away,
// project-keep, project-rename and project-reorder.
type Project struct {
	In    Node
	Cols  []Column
	Pass  []int
	Exprs []Expr
	// Need marks the output columns later operators read (nil: all; see Prune): the others
	// are not computed.
	Need []bool
}

// Columns is the projected schema.
func (p *Project) Columns() []Column { return p.Cols }

// Run builds the output vectors.
func (p *Project) Run(env *Env) (*Table, error) {
	t, err := p.In.Run(env)
	if err != nil {
		return nil, err
	}
	return p.apply(env, t)
}

func (p *Project) apply(env *Env, t *Table) (*Table, error) {
	out := &Table{Name: t.Name, Cols: p.Cols, Vecs: make([]*Vector, len(p.Cols)), N: t.N}
	meter := env.Meter("")
	for c := range p.Cols {
		if p.Pass[c] >= 0 {
			out.Vecs[c] = t.Vecs[p.Pass[c]]
			continue
		}
		if !wanted(p.Need, c) {
			out.Vecs[c] = &Vector{T: p.Cols[c].Type}
			continue
		}
		e := p.Exprs[c]
		v := NewVector(p.Cols[c].Type, t.N)
		if e.Const != nil {
			// one shared value: only the cells are new
			if err := meter.Add(int64(t.N) * cellBytes(p.Cols[c].Type)); err != nil {
				return nil, err
			}
			for i := 0; i < t.N; i++ {
				v.Append(*e.Const)
			}
		} else {
			for i := 0; i < t.N; i++ {
				if i%checkEvery == 0 {
					if err := env.Check(); err != nil {
						return nil, err
					}
				}
				val := e.Eval(env, t, i)
				v.Append(val)
				// Charged as the column grows: a column reference shares its input's text
				// and trees (cells only); a computed string or dynamic value is new memory.
				n := cellBytes(p.Cols[c].Type)
				if !e.IsCol {
					n = govern.ValueBytes(val)
				}
				if err := meter.Add(n); err != nil {
					return nil, err
				}
			}
		}
		out.Vecs[c] = v
	}
	return out, meter.Flush()
}

// Take keeps the first N rows (take, limit).
type Take struct {
	In Node
	N  Expr
	// Cols caches In.Columns() (nil: ask In).
	Cols []Column
}

// Columns is the input schema.
func (k *Take) Columns() []Column {
	if k.Cols != nil {
		return k.Cols
	}
	return k.In.Columns()
}

// Run cuts the input.
func (k *Take) Run(env *Env) (*Table, error) {
	t, err := k.In.Run(env)
	if err != nil {
		return nil, err
	}
	n, ok := k.N.Eval(env, nil, 0).AsInt()
	if !ok {
		return nil, runtimeErr("take: the row count is not a number")
	}
	return t.Head(int(n)), nil
}

// CountRows returns one row with the input's row count (the count operator).
type CountRows struct {
	In   Node
	Name string
}

// Columns is one long column.
func (c *CountRows) Columns() []Column { return []Column{{Name: c.Name, Type: types.Long}} }

// Run counts.
func (c *CountRows) Run(env *Env) (*Table, error) {
	if f, ok := c.In.(*Filter); ok && len(f.Preds) > 0 {
		n, err := f.Count(env) // the passing rows need not be gathered
		if err != nil {
			return nil, err
		}
		return NewTable("", c.Columns(), [][]any{{int64(n)}})
	}
	t, err := c.In.Run(env)
	if err != nil {
		return nil, err
	}
	return NewTable("", c.Columns(), [][]any{{int64(t.N)}})
}

// GetSchema describes the input's columns (the getschema operator).
type GetSchema struct {
	In Node
}

// Columns is ColumnName, ColumnOrdinal, DataType, ColumnType.
func (g *GetSchema) Columns() []Column {
	return []Column{{Name: "ColumnName", Type: types.String}, {Name: "ColumnOrdinal", Type: types.Int}, {Name: "DataType", Type: types.String}, {Name: "ColumnType", Type: types.String}}
}

// Run lists the columns of the input as it actually is, without its hidden columns.
func (g *GetSchema) Run(env *Env) (*Table, error) {
	t, err := g.In.Run(env)
	if err != nil {
		return nil, err
	}
	hidden := HiddenColumns(g.In.Columns(), t.Cols)
	b := NewBuilder("", g.Columns())
	ord := int64(0)
	for i, c := range t.Cols {
		if hidden[i] {
			continue
		}
		_ = b.Append([]any{c.Name, ord, dotnetTypeName(c.Type), c.Type.String()})
		ord++
	}
	return b.Table(), nil
}

func dotnetTypeName(t types.Type) string {
	switch t {
	case types.Bool:
		return "System.Boolean"
	case types.Int:
		return "System.Int32"
	case types.Long:
		return "System.Int64"
	case types.Real:
		return "System.Double"
	case types.Decimal:
		return "System.Data.SqlTypes.SqlDecimal"
	case types.String:
		return "System.String"
	case types.DateTime:
		return "System.DateTime"
	case types.TimeSpan:
		return "System.TimeSpan"
	case types.GUID:
		return "System.Guid"
	}
	return "System.Object"
}

// Materialized caches its input's result for the rest of the run (materialize(), as, let
// bindings used several times).
type Materialized struct {
	In Node
	// Cols caches In.Columns() (nil: ask In).
	Cols []Column
}

// Columns is the input schema.
func (m *Materialized) Columns() []Column {
	if m.Cols != nil {
		return m.Cols
	}
	return m.In.Columns()
}

// Run computes the input once per run.
func (m *Materialized) Run(env *Env) (*Table, error) {
	v, err := env.Cached(m, func() (any, error) { return m.In.Run(env) })
	if err != nil {
		return nil, err
	}
	return v.(*Table), nil
}

// Deferred is a part of a plan whose schema is only known at run time (after bag_unpack,
// evaluate plugins...): Build compiles the rest of the pipeline against the actual input.
type Deferred struct {
	In    Node
	Cols  []Column
	Build func(in *Table) (Node, error)
}

// Columns is the best static guess (may be empty).
func (d *Deferred) Columns() []Column { return d.Cols }

// Run runs the input, compiles the rest against it and runs that.
func (d *Deferred) Run(env *Env) (*Table, error) {
	var in *Table
	if d.In != nil {
		t, err := d.In.Run(env)
		if err != nil {
			return nil, err
		}
		in = t
	}
	n, err := d.Build(in)
	if err != nil {
		return nil, err
	}
	return n.Run(env)
}

// cellBytes is the size of one cell of a column of type t (a string or dynamic cell is a
// header pointing at memory it may share).
func cellBytes(t types.Type) int64 {
	switch storageOf(t) {
	case storeString, storeDynamic:
		return 16
	}
	return 8
}
