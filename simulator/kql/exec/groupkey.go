package exec

import (
	"encoding/binary"
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// appendKey appends a byte encoding of v that is equal for values Kusto groups together
// (summarize by, distinct, join keys, dcount, make_set). Numbers of different integer types
// group together; a null is distinct from every non-null value.
func appendKey(b []byte, v types.Value) []byte {
	if v.IsNull() {
		return append(b, 0)
	}
	switch v.T {
	case types.Bool, types.Int, types.Long:
		b = append(b, 1)
		return binary.LittleEndian.AppendUint64(b, uint64(v.I))
	case types.DateTime:
		b = append(b, 2)
		return binary.LittleEndian.AppendUint64(b, uint64(v.I))
	case types.TimeSpan:
		b = append(b, 3)
		return binary.LittleEndian.AppendUint64(b, uint64(v.I))
	case types.Real, types.Decimal:
		b = append(b, 4)
		f := v.F
		if f == 0 {
			f = 0 // -0 groups with +0
		}
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(f))
	case types.String, types.GUID:
		b = append(b, 5)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(v.S)))
		return append(b, v.S...)
	}
	return appendDynKey(append(b, 6), v.D)
}

func appendDynKey(b []byte, d any) []byte {
	switch x := d.(type) {
	case nil:
		return append(b, 'n')
	case bool:
		if x {
			return append(b, 't')
		}
		return append(b, 'f')
	case int64:
		b = append(b, 'i')
		return binary.LittleEndian.AppendUint64(b, uint64(x))
	case float64:
		b = append(b, 'r')
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	case string:
		b = append(b, 's')
		b = binary.LittleEndian.AppendUint32(b, uint32(len(x)))
		return append(b, x...)
	case []any:
		b = append(b, '[')
		b = binary.LittleEndian.AppendUint32(b, uint32(len(x)))
		for _, e := range x {
			b = appendDynKey(b, e)
		}
		return b
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = append(b, '{')
		b = binary.LittleEndian.AppendUint32(b, uint32(len(keys)))
		for _, k := range keys {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(k)))
			b = append(b, k...)
			b = appendDynKey(b, x[k])
		}
		return b
	}
	return append(b, []byte(types.DynamicJSON(d))...)
}

// Grouper assigns dense group ids to composite keys.
type Grouper struct {
	ids map[string]int32
	buf []byte
	n   int32
}

// NewGrouper returns an empty grouper.
func NewGrouper() *Grouper { return &Grouper{ids: map[string]int32{}} }

// ID returns the group of the key made of vals, creating it when new (isNew is then true).
func (g *Grouper) ID(vals []types.Value) (id int32, isNew bool) {
	g.buf = g.buf[:0]
	for _, v := range vals {
		g.buf = appendKey(g.buf, v)
	}
	if id, ok := g.ids[string(g.buf)]; ok {
		return id, false
	}
	id = g.n
	g.n++
	g.ids[string(g.buf)] = id
	return id, true
}

// Lookup returns the group of the key without creating it.
func (g *Grouper) Lookup(vals []types.Value) (int32, bool) {
	g.buf = g.buf[:0]
	for _, v := range vals {
		g.buf = appendKey(g.buf, v)
	}
	id, ok := g.ids[string(g.buf)]
	return id, ok
}

// Len is the number of groups.
func (g *Grouper) Len() int { return int(g.n) }
