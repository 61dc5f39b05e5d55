package exec

// Prefix returns the first n values of v sharing its storage (no copy of the values; the
// small null bitmap is copied). Appending to v later never changes what the prefix shows, so
// a time-ordered table can hand out cheap "rows ingested so far" views.
func (v *Vector) Prefix(n int) *Vector {
	if n >= v.n {
		n = v.n
	}
	if n < 0 {
		n = 0
	}
	out := &Vector{T: v.T, n: n, cell: v.cellOf()} // the views of a column share its dictionary
	switch storageOf(v.T) {
	case storeInt:
		out.I = v.I[:n:n]
	case storeFloat:
		out.F = v.F[:n:n]
	case storeString:
		out.S = v.S[:n:n]
	default:
		out.D = v.D[:n:n]
	}
	if v.nulls != nil {
		words := (n + 63) >> 6
		out.nulls = append([]uint64(nil), v.nulls[:min(words, len(v.nulls))]...)
	}
	return out
}

// Prefix returns a table of the first n rows of t sharing its column storage.
func (t *Table) Prefix(n int) *Table {
	if n >= t.N {
		return t
	}
	if n < 0 {
		n = 0
	}
	out := &Table{Name: t.Name, Cols: t.Cols, Vecs: make([]*Vector, len(t.Vecs)), N: n}
	for i, v := range t.Vecs {
		out.Vecs[i] = v.Prefix(n)
	}
	return out
}
