package logs

import (
	"reflect"
	"slices"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
)

// tokenPlan says where a shared table's tenant tokens are: per tenant-dependent column, the
// rows whose value holds one. It is found once per shared table (a scan of every value) and
// used by every tenant's overlay, which then touches only those rows: a class of 30 tenants
// scans the shared telemetry once instead of 30 times.
type tokenPlan struct {
	cols []*columnPlan // per column of the table; nil: no value holds a token
}

// columnPlan is one column's rows holding tokens (ascending). A string column also lists
// its distinct token-bearing values once (values) and each row's value as an index into it
// (codes, aligned with rows), so a tenant converts each distinct value once. A dynamic
// column lists each row's tree plan (trees, aligned with rows; rows sharing a tree share it).
type columnPlan struct {
	rows   []int32
	codes  []int32
	values []string
	leaves []*treePlan // the values' plans, aligned with values
	trees  []*treePlan
}

// plan finds the rows of t's dependent columns (deps) whose values hold a token.
func (ts *tokenSet) plan(t *kql.Table, deps []bool) *tokenPlan {
	p := &tokenPlan{cols: make([]*columnPlan, len(t.Cols))}
	for c, dep := range deps {
		if !dep || c >= len(t.Vecs) {
			continue
		}
		v := t.Vecs[c]
		cp := &columnPlan{}
		switch v.T {
		case types.String, types.GUID:
			code := map[string]int32{} // -1: the value holds no token
			for i := 0; i < v.Len(); i++ {
				if v.IsNull(i) {
					continue
				}
				s := v.S[i]
				k, seen := code[s]
				if !seen {
					k = -1
					if sp := ts.stringPlan(s); sp != nil {
						k = int32(len(cp.values))
						cp.values = append(cp.values, s)
						cp.leaves = append(cp.leaves, sp)
					}
					code[s] = k
				}
				if k >= 0 {
					cp.rows = append(cp.rows, int32(i))
					cp.codes = append(cp.codes, k)
				}
			}
		case types.Dynamic:
			for i := 0; i < v.Len(); i++ {
				if x := v.D[i]; x != nil {
					if tp := ts.treePlan(x); tp != nil {
						cp.rows = append(cp.rows, int32(i))
						cp.trees = append(cp.trees, tp)
					}
				}
			}
		default:
			continue
		}
		if len(cp.rows) > 0 {
			p.cols[c] = cp
		}
	}
	return p
}

// treeKey is a dynamic container's identity; ok is false for scalars (strings are looked at
// by value).
func treeKey(x any) (dynKey, bool) {
	switch g := x.(type) {
	case []any:
		if len(g) == 0 {
			return dynKey{}, false
		}
		return dynKey{reflect.ValueOf(g).UnsafePointer(), len(g)}, true
	case map[string]any:
		return dynKey{reflect.ValueOf(g).UnsafePointer(), -1}, true
	}
	return dynKey{}, false
}

// empty reports whether no column of the plan holds a token.
func (p *tokenPlan) empty() bool {
	return p == nil || !slices.ContainsFunc(p.cols, func(c *columnPlan) bool { return c != nil })
}

// applyCheckEvery is how many values apply converts between checkpoints.
const applyCheckEvery = 2048

// apply returns t with the tenant's tokens in the planned rows: a changed column is a copy of
// the shared one's storage (a memory copy, no per-row work) with only those rows replaced;
// the other columns are shared. p must be t's plan. check, when set, is a checkpoint called
// before each column and every applyCheckEvery conversions; its error stops the work.
func (r *rebase) apply(t *kql.Table, p *tokenPlan, check func() error) (*kql.Table, error) {
	if r.identity || p.empty() {
		return t, nil
	}
	if check == nil {
		check = func() error { return nil }
	}
	out := &kql.Table{Name: t.Name, Cols: t.Cols, Vecs: slices.Clone(t.Vecs), N: t.N}
	for c, cp := range p.cols {
		if cp == nil {
			continue
		}
		if err := check(); err != nil {
			return nil, err
		}
		if v := r.convertedColumn(t.Vecs[c]); v != nil {
			out.Vecs[c] = v // another view holding this shared column converted it
			continue
		}
		v := t.Vecs[c].Prefix(t.Vecs[c].Len()) // same values and nulls, own header
		switch v.T {
		case types.String, types.GUID:
			conv := make([]string, len(cp.values))
			for k, sp := range cp.leaves {
				if k%applyCheckEvery == applyCheckEvery-1 {
					if err := check(); err != nil {
						return nil, err
					}
				}
				conv[k] = r.leaf(sp)
			}
			v.S = slices.Clone(v.S)
			for j, row := range cp.rows {
				v.S[row] = conv[cp.codes[j]]
			}
		case types.Dynamic:
			v.D = slices.Clone(v.D)
			for j, row := range cp.rows {
				if j%applyCheckEvery == applyCheckEvery-1 {
					if err := check(); err != nil {
						return nil, err
					}
				}
				v.D[row] = r.planned(v.D[row], cp.trees[j])
			}
		}
		r.rememberColumn(t.Vecs[c], v)
		out.Vecs[c] = v
	}
	return out, nil
}
