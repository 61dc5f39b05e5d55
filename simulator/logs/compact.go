package logs

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/soclab/soclab/simulator/kql"
)

// stringPool interns strings across a tenant's generated tables: the generator allocates a
// fresh string for every value (user names, apps, locations, operation names, JSON fields), so
// equal values of many rows are kept once.
type stringPool map[string]string

// maxPooled is the length above which a pooled string is copied to its exact size.
const maxPooled = 256

func (p stringPool) intern(s string) string {
	if v, ok := p[s]; ok {
		return v
	}
	if len(s) > maxPooled {
		// Long values (JSON with timestamps) are kept as an exact-size copy: the builders
		// that wrote them leave spare capacity (authDetails grows to 512 bytes).
		s = strings.Clone(s)
	}
	p[s] = s
	return s
}

// dynPool interns dynamic values (trees of maps, slices and scalars) by content: the
// generator's shared values (a device's DeviceDetail, the Conditional Access verdicts) are
// copied per row on their way into a table, and equal trees are kept once. Dynamic values
// are never modified once in a table, so rows can share them.
type dynPool map[string]any

func (p dynPool) intern(x any, strs stringPool) any {
	var b strings.Builder
	if !fingerprint(&b, x) {
		return x
	}
	key := b.String()
	if v, ok := p[key]; ok {
		return v
	}
	x = internLeaves(x, strs)
	p[key] = x
	return x
}

// fingerprint writes a text that differs for any two different trees (types included: 1 and
// 1.0 differ); false for a tree with other Go types, which is then not interned.
func fingerprint(b *strings.Builder, x any) bool {
	switch g := x.(type) {
	case nil:
		b.WriteByte('n')
	case bool:
		if g {
			b.WriteString("t")
		} else {
			b.WriteString("f")
		}
	case int64:
		b.WriteByte('i')
		b.WriteString(strconv.FormatInt(g, 10))
		b.WriteByte(';')
	case float64:
		b.WriteByte('r')
		b.WriteString(strconv.FormatUint(math.Float64bits(g), 16))
		b.WriteByte(';')
	case string:
		b.WriteByte('s')
		b.WriteString(strconv.Itoa(len(g)))
		b.WriteByte(':')
		b.WriteString(g)
	case []any:
		b.WriteByte('[')
		for _, e := range g {
			if !fingerprint(b, e) {
				return false
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(g))
		for k := range g {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b.WriteByte('{')
		for _, k := range keys {
			fingerprint(b, k)
			if !fingerprint(b, g[k]) {
				return false
			}
		}
		b.WriteByte('}')
	default:
		return false
	}
	return true
}

// internLeaves interns a tree's strings (in place: the tree is new, from the generator).
func internLeaves(x any, strs stringPool) any {
	switch g := x.(type) {
	case string:
		return strs.intern(g)
	case []any:
		for i, e := range g {
			g[i] = internLeaves(e, strs)
		}
	case map[string]any:
		for k, e := range g {
			g[k] = internLeaves(e, strs)
		}
	}
	return x
}

// compactTable trims the spare capacity the builder's appends left in t's vectors (up to
// half of each slice) and interns its string and dynamic values: generated tables live as
// long as the engine, so they are built once and then kept as small as they can be.
func compactTable(t *kql.Table, pool stringPool, dyns dynPool) {
	for _, v := range t.Vecs {
		switch {
		case v.S != nil:
			s := make([]string, len(v.S))
			for i, x := range v.S {
				s[i] = pool.intern(x)
			}
			v.S = s
		case v.I != nil:
			v.I = append(make([]int64, 0, len(v.I)), v.I...)
		case v.F != nil:
			v.F = append(make([]float64, 0, len(v.F)), v.F...)
		case v.D != nil:
			d := make([]any, len(v.D))
			for i, x := range v.D {
				d[i] = dyns.intern(x, pool)
			}
			v.D = d
		}
	}
}
