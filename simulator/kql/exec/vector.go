package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// Vector is one typed column of values. Only the slice that matches T is used:
//
//	Bool, Int, Long, DateTime, TimeSpan  I (bool as 0/1, datetimes and timespans as 100 ns ticks)
//	Real, Decimal                        F
//	String, GUID                         S
//	Dynamic                              D (a nil element is dynamic null)
//
// Nulls of the non-dynamic types are kept in a bitmap that is nil while the column has none.
// Strings are never null in Kusto: a null string is "".
type Vector struct {
	T     types.Type
	I     []int64
	F     []float64
	S     []string
	D     []any
	nulls []uint64
	n     int
	// cell caches the dictionary encoding of a string vector (see Dict); views cut from the
	// vector (Prefix) share it. A pointer, so that copying a Vector stays cheap and safe;
	// made on first need (cellOf) and read with loadCell.
	cell *dictCell
}

// NewVector returns an empty vector of type t with room for capacity values.
func NewVector(t types.Type, capacity int) *Vector {
	v := &Vector{T: t}
	switch storageOf(t) {
	case storeInt:
		v.I = make([]int64, 0, capacity)
	case storeFloat:
		v.F = make([]float64, 0, capacity)
	case storeString:
		v.S = make([]string, 0, capacity)
	default:
		v.D = make([]any, 0, capacity)
	}
	return v
}

type storage uint8

const (
	storeInt storage = iota
	storeFloat
	storeString
	storeDynamic
)

func storageOf(t types.Type) storage {
	switch t {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		return storeInt
	case types.Real, types.Decimal:
		return storeFloat
	case types.String, types.GUID:
		return storeString
	}
	return storeDynamic
}

// Len is the number of values.
func (v *Vector) Len() int { return v.n }

// IsNull reports whether value i is null.
func (v *Vector) IsNull(i int) bool {
	if v.T == types.Dynamic || v.T == types.Null {
		return v.D[i] == nil
	}
	return i>>6 < len(v.nulls) && v.nulls[i>>6]&(1<<(uint(i)&63)) != 0 // the bitmap grows only up to the last null
}

func (v *Vector) setNull(i int) {
	for len(v.nulls) <= i>>6 {
		v.nulls = append(v.nulls, 0)
	}
	v.nulls[i>>6] |= 1 << (uint(i) & 63)
}

// Get returns value i as a types.Value (no allocation).
func (v *Vector) Get(i int) types.Value {
	switch v.T {
	case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
		if v.nulls != nil && v.IsNull(i) {
			return types.NullOf(v.T)
		}
		return types.Value{T: v.T, I: v.I[i]}
	case types.Real, types.Decimal:
		if v.nulls != nil && v.IsNull(i) {
			return types.NullOf(v.T)
		}
		return types.Value{T: v.T, F: v.F[i]}
	case types.String:
		return types.Value{T: types.String, S: v.S[i]}
	case types.GUID:
		if v.nulls != nil && v.IsNull(i) {
			return types.NullOf(v.T)
		}
		return types.Value{T: types.GUID, S: v.S[i]}
	case types.Null:
		return types.Value{}
	}
	d := v.D[i]
	if d == nil {
		return types.NullOf(types.Dynamic)
	}
	return types.Value{T: types.Dynamic, D: d}
}

// Append adds val, converted to the vector's type when its type differs (a value that cannot
// be converted becomes null).
func (v *Vector) Append(val types.Value) {
	i := v.n
	v.n++
	if val.T != v.T && !val.IsNull() {
		val = coerce(val, v.T)
	}
	switch storageOf(v.T) {
	case storeInt:
		v.I = append(v.I, val.I)
		if val.IsNull() {
			v.setNull(i)
		}
	case storeFloat:
		v.F = append(v.F, val.F)
		if val.IsNull() {
			v.setNull(i)
		}
	case storeString:
		v.S = append(v.S, val.S)
		if val.IsNull() && v.T == types.GUID {
			v.setNull(i)
		}
	default:
		if val.IsNull() {
			v.D = append(v.D, nil)
		} else if v.T == types.Dynamic && val.T == types.Dynamic {
			v.D = append(v.D, val.D)
		} else {
			v.D = append(v.D, types.ToDynamicElem(val))
		}
	}
}

// AppendNull adds a null.
func (v *Vector) AppendNull() { v.Append(types.NullOf(v.T)) }

// Gather returns a new vector holding the values at the given row indexes; an index of -1
// gives a null (used by outer joins). A run of consecutive rows is a view of v's storage
// (window): neither vector may be written in place afterwards (appending is safe).
func (v *Vector) Gather(idx []int32) *Vector {
	if a, ok := runOf(idx); ok {
		return v.window(a, a+len(idx)) // one run of rows: a view (gatherview.go)
	}
	out := &Vector{T: v.T, n: len(idx)}
	hasNull := v.nulls != nil
	switch storageOf(v.T) {
	case storeInt:
		out.I = make([]int64, len(idx))
		for j, i := range idx {
			if i < 0 {
				out.setNull(j)
				continue
			}
			out.I[j] = v.I[i]
			if hasNull && v.IsNull(int(i)) {
				out.setNull(j)
			}
		}
	case storeFloat:
		out.F = make([]float64, len(idx))
		for j, i := range idx {
			if i < 0 {
				out.setNull(j)
				continue
			}
			out.F[j] = v.F[i]
			if hasNull && v.IsNull(int(i)) {
				out.setNull(j)
			}
		}
	case storeString:
		out.S = make([]string, len(idx))
		for j, i := range idx {
			if i < 0 {
				if v.T == types.GUID {
					out.setNull(j)
				}
				continue
			}
			out.S[j] = v.S[i]
			if hasNull && v.IsNull(int(i)) {
				out.setNull(j)
			}
		}
		v.gatherDict(out, idx)
	default:
		out.D = make([]any, len(idx))
		for j, i := range idx {
			if i >= 0 {
				out.D[j] = v.D[i]
			}
		}
	}
	return out
}

// Slice returns values [from, to) sharing storage with v.
func (v *Vector) Slice(from, to int) *Vector {
	idx := make([]int32, to-from)
	for i := range idx {
		idx[i] = int32(from + i)
	}
	return v.Gather(idx)
}

// NullVector returns a vector of n nulls of type t.
func NullVector(t types.Type, n int) *Vector {
	v := NewVector(t, n)
	for i := 0; i < n; i++ {
		v.AppendNull()
	}
	return v
}

// ConstVector returns a vector of n copies of val.
func ConstVector(t types.Type, val types.Value, n int) *Vector {
	v := NewVector(t, n)
	for i := 0; i < n; i++ {
		v.Append(val)
	}
	return v
}
