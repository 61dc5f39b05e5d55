package exec

import "strings"

// codeLists are make_set's per-group sets over a dictionary-encoded column, kept flat: the
// (group, code) of each value added, in the order added, and a count per group for the size
// limit. Result lays every group's set out in one slab of boxed values, each distinct value
// boxed once: no per-group slice grows and no row's text is boxed.
type codeLists struct {
	groups []int32
	codes  []uint32
	count  []int32 // per group: values added
	slab   [][]any // per group, built by the first result
}

// add adds the batch's values new to their groups (seen holds the pairs) up to lim per group.
func (l *codeLists) add(seen *codedArg, d *StringDict, v *Vector, gids, rows []int32, lim int) {
	l.count = grow(l.count, maxGroup(gids))
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

// bytes is the lists' memory (for the run's budget).
func (l *codeLists) bytes() int64 { return 8*int64(cap(l.groups)) + 4*int64(cap(l.count)) }

// result returns group g's set, in the order its values were added.
func (l *codeLists) result(d *StringDict, g int32) []any {
	if l.slab == nil {
		l.layout(d)
	}
	if int(g) >= len(l.slab) || l.slab[g] == nil {
		return []any{}
	}
	return l.slab[g]
}

// layout places every group's values in one slab (a counting sort by group, stable).
func (l *codeLists) layout(d *StringDict) {
	slab := make([]any, len(l.codes))
	next := make([]int, len(l.count))
	off := 0
	for g, n := range l.count {
		next[g] = off
		off += int(n)
	}
	boxes := make([]any, len(d.Values))
	for k, c := range l.codes {
		if boxes[c] == nil {
			boxes[c] = d.Values[c]
		}
		slab[next[l.groups[k]]] = boxes[c]
		next[l.groups[k]]++
	}
	l.slab = make([][]any, len(l.count))
	off = 0
	for g, n := range l.count {
		if n > 0 {
			l.slab[g] = slab[off : off+int(n) : off+int(n)]
		}
		off += int(n)
	}
	l.groups, l.codes = nil, nil
}

func (a *dcountAgg) presize(rows int) { a.codes.seen.hint = rows }

func (a *listAgg) presize(rows int) { a.codes.seen.hint = rows }

// nextGroup starts deduplicating a new group's codes: it returns the scratch of stamps (one
// per dictionary value) and the group's stamp. A code is new to the group while its stamp
// differs, so no scratch is cleared between groups.
func (c *codedArg) nextGroup() ([]uint32, uint32) {
	if len(c.stamps) < len(c.d.Values) {
		c.stamps = make([]uint32, len(c.d.Values))
		c.gen = 0
	}
	c.gen++
	if c.gen == 0 { // wrapped: clear, so that no old stamp matches
		clear(c.stamps)
		c.gen = 1
	}
	return c.stamps, c.gen
}

// AddGroups counts whole groups of an encoded column by stamping codes (see groupsAdder).
func (a *dcountAgg) AddGroups(env *Env, gids []int32, rows []int32, t *Table) {
	d, v := a.codes.dict(env, a.spec, t)
	if d == nil || strings.HasSuffix(a.spec.Func, "if") || len(gids) == 0 {
		a.AddRows(env, gids, rows, t)
		return
	}
	a.count = grow(a.count, gids[len(gids)-1])
	for k := 0; k < len(gids); {
		g := gids[k]
		stamps, gen := a.codes.nextGroup()
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

// AddGroups collects whole groups' sets of an encoded column by stamping codes (see
// groupsAdder): a group's values are added in row order up to the limit.
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
	for k := 0; k < len(gids); {
		g := gids[k]
		stamps, gen := a.codes.nextGroup()
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
