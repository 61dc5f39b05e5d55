package exec

import (
	"hash/maphash"
	"strings"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

// make_set, make_list and their forms: per-group lists of dynamic elements.

type listAgg struct {
	spec       *AggSpec
	set, nulls bool
	lim        int
	items      [][]any
	seen       groupSet  // make_set: the values already added, per group
	codes      codedArg  // make_set of a dictionary-encoded column: the codes added, per group
	flat       codeLists // and the sets themselves, as codes
	buf        []byte
	hashes     []uint64 // AddBatch scratch: string hashes, their texts and rows in the batch
	texts      []string
	rows       []int32
	bytes      int64 // the lists' estimated size, for the run's memory budget
}

// push appends elem to group g's list and counts its memory: the element's interface and
// box, and the tree of a dynamic element (often built per row, so held only by the list).
func (a *listAgg) push(g int32, elem any) {
	a.items[g] = append(a.items[g], elem)
	a.bytes += 32
	switch e := elem.(type) {
	case string:
		a.bytes += int64(len(e)) // often built per row (strcat): counted, shared or not
	case []any, map[string]any:
		a.bytes += govern.DynamicBytes(e)
	}
}

// StateBytes is the size of the lists built so far and of make_set's seen-set.
func (a *listAgg) StateBytes() int64 {
	return a.bytes + a.seen.bytes() + a.codes.bytes() + a.flat.bytes()
}

// listLimit is the size bound of make_list/make_set: the constant argument, else Kusto's
// default of 1048576.
func listLimit(s *AggSpec) int {
	if len(s.Consts) > 0 {
		if n, ok := s.Consts[0].AsInt(); ok && n > 0 {
			return int(n)
		}
	}
	return 1048576
}

func (a *listAgg) Add(env *Env, g int32, t *Table, i int) {
	a.items = grow(a.items, g)
	if strings.HasSuffix(a.spec.Func, "_if") && !predOK(env, a.spec.Args, 1, t, i) {
		return
	}
	if len(a.items[g]) >= a.lim {
		return
	}
	v := a.spec.Args[0].Eval(env, t, i)
	if v.IsNull() && !a.nulls {
		return
	}
	if a.set {
		// make_set of arrays adds their elements (Kusto flattens one level).
		if arr, ok := v.D.([]any); ok && v.T == types.Dynamic {
			for _, e := range arr {
				a.addElem(g, e)
			}
			return
		}
		if v.T == types.String || v.T == types.GUID {
			// Hash the text first: box it only when it is new to the group.
			if len(a.items[g]) < a.lim && a.seen.add(g, maphash.String(aggSeed, v.S)) {
				a.push(g, types.ToDynamicElem(v))
			}
			return
		}
		a.addElem(g, types.ToDynamicElem(v))
		return
	}
	// make_list keeps an array value as one element (only make_set flattens arrays).
	a.push(g, types.ToDynamicElem(v))
}

// AddRows takes make_set of a string column's fast way: hash the batch's texts (or read a
// dictionary-encoded column's codes), then insert them in one tight loop, boxing only the
// texts new to their group. Other lists add row by row.
func (a *listAgg) AddRows(env *Env, gids []int32, rows []int32, t *Table) {
	if !a.set || a.nulls || strings.HasSuffix(a.spec.Func, "_if") ||
		(a.spec.Args[0].T != types.String && a.spec.Args[0].T != types.GUID) {
		for k, g := range gids {
			a.Add(env, g, t, int(rows[k]))
		}
		return
	}
	if d, v := a.codes.dict(env, a.spec, t); d != nil {
		a.flat.add(&a.codes, d, v, gids, rows, a.lim)
		return
	}
	a.items = grow(a.items, maxGroup(gids))
	a.hashes, a.texts, a.rows = a.hashes[:0], a.texts[:0], a.rows[:0]
	for k := range gids {
		i := int(rows[k])
		v := a.spec.Args[0].Eval(env, t, i)
		if v.IsNull() {
			continue
		}
		if v.T != types.String && v.T != types.GUID {
			// not a plain text: insert the pending texts, then this row the general way
			a.insertTexts(gids)
			a.Add(env, gids[k], t, i)
			continue
		}
		a.hashes = append(a.hashes, maphash.String(aggSeed, v.S))
		a.texts = append(a.texts, v.S)
		a.rows = append(a.rows, int32(k))
	}
	a.insertTexts(gids)
}

// insertTexts adds the pending texts of a batch to their groups' sets, in row order.
func (a *listAgg) insertTexts(gids []int32) {
	for j, h := range a.hashes {
		g := gids[a.rows[j]]
		if len(a.items[g]) < a.lim && a.seen.add(g, h) {
			a.push(g, a.texts[j])
		}
	}
	a.hashes, a.texts, a.rows = a.hashes[:0], a.texts[:0], a.rows[:0]
}

func (a *listAgg) addElem(g int32, elem any) {
	if elem == nil || len(a.items[g]) >= a.lim {
		return
	}
	if !a.seen.add(g, elemHash(elem, &a.buf)) {
		return
	}
	a.push(g, elem)
}

func (a *listAgg) Result(g int32, out []types.Value) {
	if a.codes.d != nil {
		out[0] = types.NewDynamic(a.flat.result(a.codes.d, g))
		return
	}
	a.items = grow(a.items, g)
	items := a.items[g]
	if items == nil {
		items = []any{}
	}
	out[0] = types.NewDynamic(items)
}
