package exec

import (
	"math"
	"strings"

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
	ids   *pairTable
	dicts [2]strDict // string → code, per key position
	buf   []byte
	keys  []pairKey // IDs scratch
}

// NewPairGrouper returns an empty grouper sized for about hint groups.
func NewPairGrouper(hint int) *PairGrouper {
	return &PairGrouper{ids: newPairTable(min(hint, 1<<16))}
}

// ID returns the group of the key made of vals (one or two values), creating it when new.
func (g *PairGrouper) ID(vals []types.Value) (id int32, isNew bool) {
	var k pairKey
	for j, v := range vals {
		g.set(&k, j, v)
	}
	return g.ids.id(k)
}

// IDs assigns the groups of a batch of rows, w key values per row: row k's values are
// vals[k*w:(k+1)*w] and its group goes to gids[k]. newGroup gets the key values of each new
// group, in order. Keys are encoded first and looked up after in one tight loop, so the
// lookups' cache misses overlap.
func (g *PairGrouper) IDs(vals []types.Value, w int, gids []int32, newGroup func([]types.Value)) {
	keys := g.keys[:0]
	for k := range gids {
		var key pairKey
		for j := 0; j < w; j++ {
			g.set(&key, j, vals[k*w+j])
		}
		keys = append(keys, key)
	}
	g.keys = keys
	for k, key := range keys {
		id, isNew := g.ids.id(key)
		if isNew {
			newGroup(vals[k*w : (k+1)*w])
		}
		gids[k] = id
	}
}

// Len is the number of groups.
func (g *PairGrouper) Len() int { return int(g.ids.n) }

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
		k.tag[j], k.i[j] = 5, g.dicts[j].code(v.S)
	default:
		g.buf = appendDynKey(g.buf[:0], v.D)
		k.tag[j], k.i[j] = 6, g.dicts[j].code(string(g.buf))
	}
}

// strDict gives strings dense codes (strings and dynamic encodings share one dictionary per
// key position: the tag keeps them apart). Its strings are copied side by side into arena
// chunks, so comparing a row's key with the dictionary's touches few cache lines.
type strDict struct {
	tab   *strTable
	keys  []string
	arena strings.Builder
}

// code returns the code of s, adding it when new.
func (d *strDict) code(s string) uint64 {
	if d.tab == nil {
		d.tab = newStrTable(64)
	}
	h := d.tab.hash(s)
	slot, found := d.tab.find(s, h, d.keys)
	if found {
		return uint64(d.tab.slots[slot].v)
	}
	c := int32(len(d.keys))
	d.keys = append(d.keys, d.copy(s))
	if 2*(d.tab.n+1) > len(d.tab.slots) {
		d.tab.grow()
		slot, _ = d.tab.find(s, h, d.keys)
	}
	d.tab.put(slot, h, c)
	return uint64(c)
}

// copy returns a copy of s in the arena. A full chunk is left to the strings cut from it
// (a Builder never changes bytes it has written) and a new one started.
func (d *strDict) copy(s string) string {
	if d.arena.Cap()-d.arena.Len() < len(s) {
		d.arena = strings.Builder{}
		d.arena.Grow(max(32<<10, len(s)))
	}
	off := d.arena.Len()
	d.arena.WriteString(s)
	return d.arena.String()[off:]
}
