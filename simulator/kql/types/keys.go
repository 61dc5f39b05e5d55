package types

import (
	"math"
	"strconv"
)

// AppendKey appends a canonical byte encoding of v for grouping, distinct
// and join keys: two values get the same key exactly when they are the
// same group (same type family and value; all nulls of a type group
// together, as Kusto's summarize does). Use string(key) as a map key.
func AppendKey(b []byte, v Value) []byte {
	if v.IsNull() {
		if v.T == String {
			return append(b, 's', 0)
		}
		return append(b, 'n', byte(v.T))
	}
	switch v.T {
	case String:
		b = append(b, 's')
		b = strconv.AppendInt(b, int64(len(v.S)), 10)
		b = append(b, ':')
		return append(b, v.S...)
	case GUID:
		b = append(b, 'g')
		return append(b, v.S...)
	case Bool, Int, Long:
		b = append(b, 'i')
		return appendUint64(b, uint64(v.I))
	case DateTime:
		b = append(b, 'd')
		return appendUint64(b, uint64(v.I))
	case TimeSpan:
		b = append(b, 't')
		return appendUint64(b, uint64(v.I))
	case Real, Decimal:
		if v.F == math.Trunc(v.F) && math.Abs(v.F) < 1<<62 {
			b = append(b, 'i') // 1.0 groups with 1
			return appendUint64(b, uint64(int64(v.F)))
		}
		b = append(b, 'f')
		return appendUint64(b, math.Float64bits(v.F))
	case Dynamic:
		b = append(b, 'j')
		b = AppendDynamicJSON(b, v.D)
		return append(b, 0)
	}
	return append(b, '?')
}

func appendUint64(b []byte, u uint64) []byte {
	return append(b, byte(u>>56), byte(u>>48), byte(u>>40), byte(u>>32), byte(u>>24), byte(u>>16), byte(u>>8), byte(u))
}

// Hash returns a 64-bit FNV-1a hash of v consistent with AppendKey
// (equal keys hash equally), without allocating for scalar values.
func Hash(v Value) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	mix := func(u uint64) {
		for i := 0; i < 8; i++ {
			h ^= u & 0xff
			h *= prime
			u >>= 8
		}
	}
	if v.IsNull() {
		mix(uint64(v.T) + 1000)
		return h
	}
	switch v.T {
	case String, GUID:
		for i := 0; i < len(v.S); i++ {
			h ^= uint64(v.S[i])
			h *= prime
		}
		mix(uint64(v.T))
	case Bool, Int, Long:
		mix(uint64(v.I))
	case DateTime, TimeSpan:
		mix(uint64(v.I) ^ uint64(v.T)<<56)
	case Real, Decimal:
		if v.F == math.Trunc(v.F) && math.Abs(v.F) < 1<<62 {
			mix(uint64(int64(v.F)))
		} else {
			mix(math.Float64bits(v.F))
		}
	case Dynamic:
		s := DynamicJSON(v.D)
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= prime
		}
	}
	return h
}
