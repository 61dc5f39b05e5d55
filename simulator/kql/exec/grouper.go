package exec

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// Typed grouping: when every key of a summarize is a plain column or bin(column, constant),
// each key becomes a dense small integer per row (a string column's dictionary code, an
// integer's or a bin's offset from the smallest, or a first-appearance id when the range is
// wide), the keys combine into one integer, and a flat array or an integer table gives the
// group ids. No key value is built, hashed as bytes or compared as text per row.

// maxDenseKeys bounds the flat array from combined keys to group ids (int32 entries).
func maxDenseKeys(rows int) uint64 { return uint64(min(max(4*rows, 1<<16), 1<<26)) }

// denseKey is one key's dense id per row: ids[i] < card.
type denseKey struct {
	ids  []uint32
	card uint64
}

// typedGroups assigns each row of t its group (in order of first appearance, as the general
// grouper does) when every key is a plain column or a bin of one: gids[i] is row i's group,
// first[g] the first row of group g. ok is false for other keys (and for a string key
// without a dictionary). Its arrays are charged to sc as they are made.
func typedGroups(env *Env, keys []Expr, t *Table, sc *scratch) (gids, first []int32, ok bool, err error) {
	if len(keys) == 0 || len(keys) > maxTypedKeys || t.N == 0 || t.N >= 1<<31 {
		return nil, nil, false, nil
	}
	for _, e := range keys {
		if !typedKey(e, t) {
			return nil, nil, false, nil
		}
	}
	// ids per key, combined keys and the group of each row
	if err := sc.take(4 * int64(t.N) * int64(len(keys)+2)); err != nil {
		return nil, nil, false, err
	}
	dk := make([]denseKey, len(keys))
	for k, e := range keys {
		if dk[k], ok = readKey(env, e, t); !ok {
			return nil, nil, false, nil
		}
	}
	// Combine the keys left to right: id*card(next)+next while the product stays small, else
	// renumber the combinations so far densely (or pair them through an integer table).
	ids, card := dk[0].ids, dk[0].card
	for _, b := range dk[1:] {
		if card*b.card > maxDenseKeys(t.N) {
			if err := sc.take(4 * int64(card)); err != nil {
				return nil, nil, false, err
			}
			ids, card = renumber(ids, card)
		}
		if card*b.card > maxDenseKeys(t.N) {
			var g, f []int32
			g, f = groupWide(ids, b.ids)
			// the integer table: at most 4 slots of 16 bytes per combination
			if err := sc.take(64 * int64(len(f))); err != nil {
				return nil, nil, false, err
			}
			ids, card = asIDs(g), uint64(len(f))
			continue
		}
		comb := make([]uint32, t.N)
		for i := range comb {
			comb[i] = ids[i]*uint32(b.card) + b.ids[i]
		}
		ids, card = comb, card*b.card
	}
	if err := sc.take(4 * int64(card)); err != nil { // the flat array
		return nil, nil, false, err
	}
	gids, first = groupDense(ids, card)
	return gids, first, true, nil
}

// maxTypedKeys is the most keys typedGroups combines.
const maxTypedKeys = 8

// renumber gives the distinct ids (below card) dense numbers 0..n-1.
func renumber(ids []uint32, card uint64) ([]uint32, uint64) {
	g, f := groupDense(ids, card)
	return asIDs(g), uint64(len(f))
}

// asIDs reuses group ids (never negative) as key ids.
func asIDs(g []int32) []uint32 {
	out := make([]uint32, len(g))
	for i, x := range g {
		out[i] = uint32(x)
	}
	return out
}

// typedKey reports whether e is a key typedGroups reads (before any work is done).
func typedKey(e Expr, t *Table) bool {
	switch {
	case e.IsCol:
		st := storageOf(e.T)
		return t.Vecs[e.Col].T == e.T && (st == storeString || st == storeInt)
	case e.BinStep > 0:
		return storageOf(t.Vecs[e.BinCol].T) == storeInt
	}
	return false
}

// groupDense assigns groups to keys below card through a flat array.
func groupDense(keys []uint32, card uint64) (gids, first []int32) {
	slot := make([]int32, card) // group id + 1; 0: not seen yet
	gids = make([]int32, len(keys))
	for i, k := range keys {
		g := slot[k]
		if g == 0 {
			first = append(first, int32(i))
			g = int32(len(first))
			slot[k] = g
		}
		gids[i] = g - 1
	}
	return gids, first
}

// groupWide assigns groups to pairs of key ids through an integer table.
func groupWide(a, b []uint32) (gids, first []int32) {
	tab := newU64Table(min(len(a), 1<<16))
	gids = make([]int32, len(a))
	for i := range a {
		g, isNew := tab.id(uint64(a[i])<<32 | uint64(b[i]))
		if isNew {
			first = append(first, int32(i))
		}
		gids[i] = g
	}
	return gids, first
}

// readKey computes one key's dense ids, or ok false when the key is not a plain column or
// bin the typed grouper reads.
func readKey(env *Env, e Expr, t *Table) (denseKey, bool) {
	switch {
	case e.IsCol && storageOf(e.T) == storeString && t.Vecs[e.Col].T == e.T:
		v := t.Vecs[e.Col]
		d := env.GroupDict(v)
		if d == nil {
			return denseKey{}, false
		}
		card := uint64(len(d.Values))
		if e.T == types.GUID && v.nulls != nil {
			// a null GUID is its own group, apart from every text
			ids := make([]uint32, t.N)
			for i, c := range d.Codes {
				if v.IsNull(i) {
					c = uint32(card)
				}
				ids[i] = c
			}
			return denseKey{ids: ids, card: card + 1}, true
		}
		return denseKey{ids: d.Codes, card: card}, true
	case e.IsCol && storageOf(e.T) == storeInt && t.Vecs[e.Col].T == e.T:
		v := t.Vecs[e.Col]
		return intKey(v.I, v, t.N, 1), true
	case e.BinStep > 0 && storageOf(t.Vecs[e.BinCol].T) == storeInt:
		v := t.Vecs[e.BinCol]
		return intKey(v.I, v, t.N, e.BinStep), true
	}
	return denseKey{}, false
}

// intKey gives the dense ids of floor(x / step) over the integers xs (nulls of v apart).
func intKey(xs []int64, v *Vector, n int, step int64) denseKey {
	xs = xs[:n]
	nulls := v.nulls != nil
	lo, hi, any := int64(0), int64(0), false
	for i, x := range xs {
		if nulls && v.IsNull(i) {
			continue
		}
		if !any {
			lo, hi, any = x, x, true
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	lo, hi = floorDiv(lo, step), floorDiv(hi, step) // floor is monotonic
	ids := make([]uint32, n)
	span := uint64(hi - lo) // wraps for ranges past int64: caught by the check below
	if any && hi-lo >= 0 && span < maxDenseKeys(n) {
		nullID := uint32(span + 1)
		for i, x := range xs {
			switch {
			case nulls && v.IsNull(i):
				ids[i] = nullID
			case step == 1:
				ids[i] = uint32(x - lo)
			default:
				ids[i] = uint32(floorDiv(x, step) - lo)
			}
		}
		return denseKey{ids: ids, card: span + 2}
	}
	// A wide range: ids by first appearance through an integer table.
	tab := newU64Table(min(n, 1<<16))
	nullID := int32(-1)
	for i, x := range xs {
		if nulls && v.IsNull(i) {
			if nullID < 0 {
				nullID = tab.reserve()
			}
			ids[i] = uint32(nullID)
			continue
		}
		g, _ := tab.id(uint64(floorDiv(x, step)))
		ids[i] = uint32(g)
	}
	return denseKey{ids: ids, card: uint64(tab.n)}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
