package exec

// Most gathers pick one run of consecutive rows: a rule run's window of a tenant table (rows
// ingested in order), a filter keeping a few neighbouring rows of it, a slice. Such a gather
// is a view: a new header whose values share the source's storage, capped at the run's end
// (appending to either never shows through the other), with a null bitmap of its own and the
// source's dictionary cell (its codes are cut by address, as for Prefix). Nothing of the
// values is copied, so the collector has nothing new to scan; a class's rule engine makes
// millions of these gathers, nearly all of one run of 1-60 rows.

// runOf reports whether idx is one ascending run of consecutive rows, and where it starts.
func runOf(idx []int32) (start int, ok bool) {
	n := len(idx)
	if n == 0 || idx[0] < 0 || int(idx[n-1])-int(idx[0]) != n-1 {
		return 0, false
	}
	for j, i := range idx {
		if int(i) != int(idx[0])+j {
			return 0, false
		}
	}
	return int(idx[0]), true
}

// window returns rows [a, b) of v as a view sharing its values (0 <= a <= b <= v.Len()).
func (v *Vector) window(a, b int) *Vector {
	out := &Vector{}
	v.viewInto(out, a, b)
	return out
}

// viewInto makes out the view of rows [a, b) of v; no rows: an empty vector of v's type that
// keeps nothing of v alive.
func (v *Vector) viewInto(out *Vector, a, b int) {
	*out = Vector{T: v.T, n: b - a}
	if a == b {
		switch storageOf(v.T) {
		case storeInt:
			out.I = make([]int64, 0) // no allocation: empty, not nil, as a copy was
		case storeFloat:
			out.F = make([]float64, 0)
		case storeString:
			out.S = make([]string, 0)
		default:
			out.D = make([]any, 0)
		}
		return
	}
	switch storageOf(v.T) {
	case storeInt:
		out.I = v.I[a:b:b]
	case storeFloat:
		out.F = v.F[a:b:b]
	case storeString:
		out.S = v.S[a:b:b]
		out.cell = v.cellOf() // the views of a column share its dictionary
	default:
		out.D = v.D[a:b:b]
	}
	if v.nulls != nil {
		out.nulls = shiftedNulls(v.nulls, a, b)
	}
}

// gatherRun is Table.Gather (need nil) or GatherNeeded of the rows [a, b): every column a
// view, their headers in one allocation (a rule run's window and its filter's survivors are
// a few rows of many columns), or, when need leaves it out, a placeholder shared by the
// columns of its type (nobody reads a placeholder: a filter keeping 3 of 60 columns made 57
// headers of 144 bytes each). No rows (a third of a class's gathers: rules that match
// nothing): one empty vector per type for every column, read or not.
func (t *Table) gatherRun(a, b int, need []bool) *Table {
	out := &Table{Name: t.Name, Cols: t.Cols, Vecs: make([]*Vector, len(t.Vecs)), N: b - a}
	view := func(i int) bool { return a < b && wanted(need, i) }
	n := 0 // headers: the views, then one shared vector per type
	var shared uint64
	for i, v := range t.Vecs {
		switch {
		case view(i):
			n++
		case v.T < 64 && shared&(1<<v.T) == 0:
			shared |= 1 << v.T
			n++
		case v.T >= 64:
			n++
		}
	}
	headers := make([]Vector, n)
	var byType [64]*Vector
	k := 0
	for i, v := range t.Vecs {
		switch {
		case view(i):
			v.viewInto(&headers[k], a, b)
			out.Vecs[i] = &headers[k]
			k++
		case v.T < 64 && byType[v.T] != nil:
			out.Vecs[i] = byType[v.T]
		default:
			if a == b {
				v.viewInto(&headers[k], a, a) // empty, not nil, as a copy was
			} else {
				headers[k] = Vector{T: v.T} // as placeholder
			}
			out.Vecs[i] = &headers[k]
			if v.T < 64 {
				byType[v.T] = &headers[k]
			}
			k++
		}
	}
	return out
}

// shiftedNulls returns the bits [a, b) of a null bitmap as a bitmap of their own starting at
// bit 0, nil when none is set (a bitmap may end before its last row: the rest are not null).
func shiftedNulls(bits []uint64, a, b int) []uint64 {
	var out []uint64
	for j := 0; j < b-a; j += 64 {
		w := wordAt(bits, a+j)
		if rest := b - a - j; rest < 64 {
			w &= 1<<uint(rest) - 1
		}
		if w != 0 {
			if out == nil {
				out = make([]uint64, (b-a+63)>>6)
			}
			out[j>>6] = w
		}
	}
	return out
}

// wordAt returns the 64 bits of bits starting at bit i (missing words are zero).
func wordAt(bits []uint64, i int) uint64 {
	k, s := i>>6, uint(i)&63
	var lo, hi uint64
	if k < len(bits) {
		lo = bits[k] >> s
	}
	if s != 0 && k+1 < len(bits) {
		hi = bits[k+1] << (64 - s)
	}
	return lo | hi
}
