package exec

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// pairKey is the key of one or two grouping values as integers: integers, datetimes,
// timespans and bools as themselves, reals as their bits, strings and GUIDs as codes of a
// per-key dictionary, dynamic values as dictionary codes of their appendDynKey encoding. tag
// tells the kinds apart as appendKey's type byte does, 0 being null. Integer keys hash and
// compare without touching string memory scattered over the input.
type pairKey struct {
	i   [2]uint64
	tag [2]uint8
}

// PairGrouper assigns dense group ids to keys of at most two values. It groups exactly as
// Grouper does, without encoding each row's key into a byte string.
type PairGrouper struct {
	ids   map[pairKey]int32
	dicts [2]map[string]uint64 // string → code, per key position
	buf   []byte
}

// NewPairGrouper returns an empty grouper sized for about hint groups.
func NewPairGrouper(hint int) *PairGrouper {
	return &PairGrouper{ids: make(map[pairKey]int32, min(hint, 1<<16))}
}

// ID returns the group of the key made of vals (one or two values), creating it when new.
func (g *PairGrouper) ID(vals []types.Value) (id int32, isNew bool) {
	var k pairKey
	for j, v := range vals {
		g.set(&k, j, v)
	}
	if id, ok := g.ids[k]; ok {
		return id, false
	}
	id = int32(len(g.ids))
	g.ids[k] = id
	return id, true
}

// Len is the number of groups.
func (g *PairGrouper) Len() int { return len(g.ids) }

func (g *PairGrouper) set(k *pairKey, j int, v types.Value) {
	if v.IsNull() {
		return // tag 0
	}
	switch v.T {
	case types.Bool, types.Int, types.Long:
		k.tag[j], k.i[j] = 1, uint64(v.I)
	case types.DateTime:
		k.tag[j], k.i[j] = 2, uint64(v.I)
	case types.TimeSpan:
		k.tag[j], k.i[j] = 3, uint64(v.I)
	case types.Real, types.Decimal:
		f := v.F
		if f == 0 {
			f = 0 // -0 groups with +0
		}
		k.tag[j], k.i[j] = 4, math.Float64bits(f)
	case types.String, types.GUID:
		k.tag[j], k.i[j] = 5, g.code(j, v.S)
	default:
		g.buf = appendDynKey(g.buf[:0], v.D)
		if c, ok := g.dicts[j][string(g.buf)]; ok {
			k.tag[j], k.i[j] = 6, c
			return
		}
		k.tag[j], k.i[j] = 6, g.code(j, string(g.buf))
	}
}

// code returns the dictionary code of s at key position j (strings and dynamic encodings
// share one dictionary: the tag keeps them apart).
func (g *PairGrouper) code(j int, s string) uint64 {
	d := g.dicts[j]
	if d == nil {
		d = map[string]uint64{}
		g.dicts[j] = d
	}
	if c, ok := d[s]; ok {
		return c
	}
	c := uint64(len(d))
	d[s] = c
	return c
}
