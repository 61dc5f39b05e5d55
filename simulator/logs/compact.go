package logs

import (
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

// compactTable trims the spare capacity the builder's appends left in t's vectors (up to
// half of each slice) and interns its string values: a tenant's tables live as long as the
// tenant, so they are built once and then kept as small as they can be.
func compactTable(t *kql.Table, pool stringPool) {
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
			v.D = append(make([]any, 0, len(v.D)), v.D...)
		}
	}
}
