package exec

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// codeLists are make_set's per-group sets over a dictionary-encoded column, kept flat: the
// (group, code) of each value added, in the order added, and a count per group for the size
// limit. Result lays every group's set out in one slab of boxed values, each distinct value
// boxed once: no per-group slice grows and no row's text is boxed.
type codeLists struct {
	groups []int32
	codes  []uint32
	count  []int32 // per group: values added
	slab   []any   // every group's values, group after group, built by the first result
	off    []int32 // where each group's values start in slab (off[g+1] ends them)
	hint   int     // values expected at most (presize)
}

// add adds the batch's values new to their groups (seen holds the pairs) up to lim per group.
func (l *codeLists) add(seen *codedArg, d *StringDict, v *Vector, gids, rows []int32, lim int) {
	l.count = grow(l.count, maxGroup(gids))
	l.reserve()
	for k, g := range gids {
		i := rows[k]
		if int(l.count[g]) >= lim || (v.nulls != nil && v.IsNull(int(i))) {
			continue
		}
		if c := d.Codes[i]; seen.seen.add(g, c) {
			l.groups = append(l.groups, g)
			l.codes = append(l.codes, c)
			l.count[g]++
		}
	}
}

// reserve sizes the pair lists for the expected values once.
func (l *codeLists) reserve() {
	if l.groups == nil && l.hint > 0 {
		l.groups, l.codes = make([]int32, 0, l.hint), make([]uint32, 0, l.hint)
	}
}

// bytes is the lists' memory (for the run's budget).
func (l *codeLists) bytes() int64 {
	return 8*int64(cap(l.groups)) + 4*int64(cap(l.count)) + 16*int64(len(l.slab)) + 4*int64(len(l.off))
}

// result returns group g's set, in the order its values were added.
func (l *codeLists) result(d *StringDict, g int32) []any {
	if l.off == nil {
		l.layout(d)
	}
	if int(g) >= len(l.count) || l.count[g] == 0 {
		return []any{}
	}
	from, to := l.off[g], l.off[g+1]
	return l.slab[from:to:to]
}

// layout places every group's values in one slab (a counting sort by group, stable).
func (l *codeLists) layout(d *StringDict) {
	l.slab = make([]any, len(l.codes))
	l.off = make([]int32, len(l.count)+1)
	for g, n := range l.count {
		l.off[g+1] = l.off[g] + n
	}
	next := make([]int32, len(l.count))
	copy(next, l.off)
	boxes := make([]any, len(d.Values))
	for k, c := range l.codes {
		if boxes[c] == nil {
			boxes[c] = d.Values[c]
		}
		g := l.groups[k]
		l.slab[next[g]] = boxes[c]
		next[g]++
	}
	l.groups, l.codes = nil, nil
}

// presize tells the aggregate how many rows and groups it will fold at most (for sizing).
func (a *dcountAgg) presize(rows, groups int) { a.codes.seen.hint = rows }

func (a *listAgg) presize(rows, groups int) {
	a.codes.seen.hint = rows
	a.flat.hint = min(rows, groups*min(a.lim, 16), 1<<22) // past it the lists grow by appending
}

// nextGroup starts deduplicating group g's codes: it returns the scratch of stamps (one per
// dictionary value) and the group's stamp. A code is new to the group while its stamp
// differs, so no scratch is cleared between groups. A group that continues from the previous
// batch (the same g) keeps its stamp.
func (c *codedArg) nextGroup(g int32) ([]uint32, uint32) {
	if len(c.stamps) < len(c.d.Values) {
		c.stamps = make([]uint32, len(c.d.Values))
		c.gen = 0
	} else if c.gen != 0 && g == c.last {
		return c.stamps, c.gen
	}
	c.gen++
	if c.gen == 0 { // wrapped: clear, so that no old stamp matches
		clear(c.stamps)
		c.gen = 1
	}
	c.last = g
	return c.stamps, c.gen
}

// AddGroups counts groups of an encoded column by stamping codes (see groupsAdder).
func (a *dcountAgg) AddGroups(env *Env, gids []int32, rows []int32, t *Table) {
	d, v := a.codes.dict(env, a.spec, t)
	if d == nil || strings.HasSuffix(a.spec.Func, "if") || len(gids) == 0 {
		a.AddRows(env, gids, rows, t)
		return
	}
	a.count = grow(a.count, gids[len(gids)-1])
	for k := 0; k < len(gids); {
		g := gids[k]
		stamps, gen := a.codes.nextGroup(g)
		n := int64(0)
		for ; k < len(gids) && gids[k] == g; k++ {
			i := rows[k]
			if v.nulls != nil && v.IsNull(int(i)) {
				continue
			}
			if c := d.Codes[i]; stamps[c] != gen {
				stamps[c] = gen
				n++
			}
		}
		a.count[g] += n
	}
}

// AddGroups collects groups' sets of an encoded column by stamping codes (see groupsAdder):
// a group's values are added in row order up to the limit.
func (a *listAgg) AddGroups(env *Env, gids []int32, rows []int32, t *Table) {
	if !a.set || a.nulls || strings.HasSuffix(a.spec.Func, "_if") || len(gids) == 0 {
		a.AddRows(env, gids, rows, t)
		return
	}
	d, v := a.codes.dict(env, a.spec, t)
	if d == nil {
		a.AddRows(env, gids, rows, t)
		return
	}
	l := &a.flat
	l.count = grow(l.count, gids[len(gids)-1])
	l.reserve()
	for k := 0; k < len(gids); {
		g := gids[k]
		stamps, gen := a.codes.nextGroup(g)
		for ; k < len(gids) && gids[k] == g; k++ {
			i := rows[k]
			if int(l.count[g]) >= a.lim {
				continue
			}
			if v.nulls != nil && v.IsNull(int(i)) {
				continue
			}
			if c := d.Codes[i]; stamps[c] != gen {
				stamps[c] = gen
				l.groups = append(l.groups, g)
				l.codes = append(l.codes, c)
				l.count[g]++
			}
		}
	}
}

func (a *countAgg) longAt(g int32) int64 {
	if int(g) < len(a.n) {
		return a.n[g]
	}
	return 0
}

func (a *dcountAgg) longAt(g int32) int64 {
	if int(g) < len(a.count) {
		return a.count[g]
	}
	return 0
}

func (a *listAgg) dynAt(g int32) any {
	var out [1]types.Value
	a.Result(g, out[:])
	return out[0].D
}
