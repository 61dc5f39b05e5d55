package exec

import (
	"math"
	"sync/atomic"
)

// joinPairs is a join's matched rows: pair k is left row li[k] with right row ri[k] (-1: the
// side's nulls). Semi and anti joins fill one side only. When the output needs no column
// (`join ... | count`) only n is kept.
type joinPairs struct {
	li, ri []int32
	n      int
}

// hashJoin runs a join of one typed key column per side: build over the right side, probe
// with the left rows in contiguous chunks (in parallel for large inputs), chunks' pairs
// concatenated in row order, so the result is the sequential one.
func hashJoin[K joinKeys[K]](env *Env, kind string, left, right K, ln, rn int, countOnly bool) (*joinPairs, error) {
	buildWorkers := parallelism(env, rn)
	probeWorkers := parallelism(env, ln)
	// The build side is charged before it is built (slots, chains; what growing adds after),
	// the marks with it, the pairs as they grow. The table and the marks are given back when
	// the join ends; the pairs stay with the output.
	charged := slotBytes(rn) + int64(rn/8)
	if err := env.Mem.Charge(charged, "HashJoin"); err != nil {
		return nil, err
	}
	defer func() { env.Mem.Release(charged) }()
	tab, err := buildJoinTable(env, right, rn, buildWorkers)
	if err != nil {
		return nil, err
	}
	if grown := 8*int64(tab.slotCount()) + 4*int64(rn) - slotBytes(rn); grown > 0 {
		if err := env.Mem.Charge(grown, "HashJoin"); err != nil {
			return nil, err
		}
		charged += grown
	}
	pr := &joinProbe[K]{env: env, kind: kind, tab: tab, left: left, countOnly: countOnly}
	// marks, per partition and slot: the first left row of the key (innerunique), or whether a
	// left row matched it (the right kinds).
	switch kind {
	case JoinInnerUnique:
		pr.marks = pr.newMarks(math.MaxInt32)
	case JoinRightOuter, JoinFullOuter, JoinRightSemi, JoinRightAnti:
		pr.marks = pr.newMarks(0)
	}
	if pr.marks != nil {
		if err := env.Mem.Charge(4*int64(tab.slotCount()), "HashJoin"); err != nil {
			return nil, err
		}
		charged += 4 * int64(tab.slotCount())
	}
	chunks := make([]joinPairs, probeWorkers)
	if kind == JoinInnerUnique && probeWorkers > 1 {
		// Each key's first left row, over all chunks, before any chunk emits.
		if err := runChunks(ln, probeWorkers, func(_, lo, hi int) error { return pr.firstRows(lo, hi) }); err != nil {
			return nil, err
		}
		pr.marked = true
		if countOnly {
			// The pairs are the marked keys' chains: count them without probing again.
			return pr.countMarked(env)
		}
	}
	err = runChunks(ln, probeWorkers, func(w, lo, hi int) error {
		return pr.probe(lo, hi, &chunks[w])
	})
	if err != nil {
		return nil, err
	}
	out := concatPairs(chunks)
	if err := env.CheckRows(out.n); err != nil {
		return nil, err
	}
	if pr.marks != nil && kind != JoinInnerUnique {
		pr.rightRows(rn, out)
	}
	if err := env.CheckRows(out.n); err != nil {
		return nil, err
	}
	return out, nil
}

// joinProbe is one run's probe state, shared by the chunks.
type joinProbe[K joinKeys[K]] struct {
	env       *Env
	kind      string
	tab       *joinTable[K]
	left      K
	countOnly bool
	marks     [][]int32
	// marked is set once firstRows has filled the innerunique marks.
	marked bool
}

func (pr *joinProbe[K]) newMarks(init int32) [][]int32 {
	m := make([][]int32, len(pr.tab.parts))
	for p := range m {
		m[p] = make([]int32, len(pr.tab.parts[p].slots))
		if init != 0 {
			for s := range m[p] {
				m[p][s] = init
			}
		}
	}
	return m
}

// firstRows records, for every key of rows [lo, hi), its first left row (atomic minimum: the
// chunks run at once).
func (pr *joinProbe[K]) firstRows(lo, hi int) error {
	for i := lo; i < hi; i++ {
		if (i-lo)%checkEvery == 0 {
			if err := pr.env.Check(); err != nil {
				return err
			}
		}
		if pr.left.null(int32(i)) {
			continue
		}
		p, s, head := pr.tab.find(pr.left, int32(i), pr.left.hash(int32(i)))
		if head < 0 {
			continue
		}
		m := &pr.marks[p][s]
		for {
			cur := atomic.LoadInt32(m)
			if cur <= int32(i) || atomic.CompareAndSwapInt32(m, cur, int32(i)) {
				break
			}
		}
	}
	return nil
}

// probe joins left rows [lo, hi) into out, in row order.
func (pr *joinProbe[K]) probe(lo, hi int, out *joinPairs) error {
	env, tab, next := pr.env, pr.tab, pr.tab.next
	meter := env.Meter("HashJoin")
	emitted := 0
	for i := lo; i < hi; i++ {
		if (i-lo)%checkEvery == 0 {
			if err := env.Check(); err != nil {
				return err
			}
			if err := env.CheckRows(out.n); err != nil {
				return err
			}
			if err := meter.Add(8 * int64(out.n-emitted)); err != nil {
				return err
			}
			emitted = out.n
		}
		row := int32(i)
		p, s, head := -1, -1, int32(-1)
		if !pr.left.null(row) {
			p, s, head = tab.find(pr.left, row, pr.left.hash(row))
		}
		switch pr.kind {
		case JoinLeftSemi, JoinLeftAnti:
			if (head >= 0) == (pr.kind == JoinLeftSemi) {
				out.add(row, -1, pr.countOnly, true, false)
			}
			continue
		case JoinRightSemi, JoinRightAnti:
			if head >= 0 && atomic.LoadInt32(&pr.marks[p][s]) == 0 {
				atomic.StoreInt32(&pr.marks[p][s], 1)
			}
			continue
		case JoinInnerUnique:
			if head < 0 {
				continue
			}
			m := &pr.marks[p][s]
			if pr.marked {
				if *m != row {
					continue
				}
			} else {
				if *m != math.MaxInt32 {
					continue
				}
				*m = row
			}
		case JoinRightOuter, JoinFullOuter:
			if head >= 0 && atomic.LoadInt32(&pr.marks[p][s]) == 0 {
				atomic.StoreInt32(&pr.marks[p][s], 1)
			}
		}
		if head < 0 {
			if pr.kind == JoinLeftOuter || pr.kind == JoinFullOuter {
				out.add(row, -1, pr.countOnly, true, true)
			}
			continue
		}
		for r := head; r >= 0; r = next[r] {
			out.add(row, r, pr.countOnly, true, true)
			if out.n%checkEvery == 0 { // a key with many rows: check between its pairs too
				if err := env.CheckRows(out.n); err != nil {
					return err
				}
				if err := meter.Add(8 * int64(out.n-emitted)); err != nil {
					return err
				}
				emitted = out.n
			}
		}
	}
	if err := meter.Add(8 * int64(out.n-emitted)); err != nil {
		return err
	}
	if pr.countOnly {
		// Counted pairs are charged as the pairs Kusto's join would hold (a cross join of
		// large inputs stops with its memory error rather than running for minutes), and
		// given back: none is kept.
		if err := meter.Flush(); err != nil {
			return err
		}
		meter.ReleaseAll()
	}
	return nil
}

// countMarked counts innerunique's pairs once firstRows has marked every key a left row
// has: each marked key pairs one left row with each row of its chain. The counted pairs are
// charged and given back as probe's are.
func (pr *joinProbe[K]) countMarked(env *Env) (*joinPairs, error) {
	out := &joinPairs{}
	for p, part := range pr.tab.parts {
		for s, e := range part.slots {
			if e == 0 || pr.marks[p][s] == math.MaxInt32 {
				continue
			}
			for r := int32(uint32(e)) - 1; r >= 0; r = pr.tab.next[r] {
				out.n++
			}
		}
	}
	if err := env.CheckRows(out.n); err != nil {
		return nil, err
	}
	if err := env.Mem.Charge(8*int64(out.n), "HashJoin"); err != nil {
		return nil, err
	}
	env.Mem.Release(8 * int64(out.n))
	return out, nil
}

// add appends one output row (or only counts it).
func (o *joinPairs) add(l, r int32, countOnly, hasLeft, hasRight bool) {
	o.n++
	if countOnly {
		return
	}
	if hasLeft {
		o.li = append(o.li, l)
	}
	if hasRight {
		o.ri = append(o.ri, r)
	}
}

// rightRows adds the right kinds' rows after the probe: the right rows whose key a left row
// matched (rightsemi) or did not (rightanti, and rightouter/fullouter's unmatched rows with a
// null left side), in row order.
func (pr *joinProbe[K]) rightRows(rn int, out *joinPairs) {
	matched := make([]uint64, (rn+63)/64)
	for p, part := range pr.tab.parts {
		for s, e := range part.slots {
			if e == 0 || pr.marks[p][s] == 0 {
				continue
			}
			for r := int32(uint32(e)) - 1; r >= 0; r = pr.tab.next[r] {
				matched[r>>6] |= 1 << (uint(r) & 63)
			}
		}
	}
	want := pr.kind == JoinRightSemi
	for r := 0; r < rn; r++ {
		if (matched[r>>6]&(1<<(uint(r)&63)) != 0) != want {
			continue
		}
		switch pr.kind {
		case JoinRightSemi, JoinRightAnti:
			out.add(-1, int32(r), pr.countOnly, false, true)
		default:
			out.add(-1, int32(r), pr.countOnly, true, true)
		}
	}
}

// concatPairs joins the chunks' pairs in chunk order (the first chunk's slices when alone).
func concatPairs(chunks []joinPairs) *joinPairs {
	if len(chunks) == 1 {
		return &chunks[0]
	}
	out := &joinPairs{}
	nl, nr := 0, 0
	for _, c := range chunks {
		out.n += c.n
		nl += len(c.li)
		nr += len(c.ri)
	}
	if nl > 0 {
		out.li = make([]int32, 0, nl)
	}
	if nr > 0 {
		out.ri = make([]int32, 0, nr)
	}
	for _, c := range chunks {
		out.li = append(out.li, c.li...)
		out.ri = append(out.ri, c.ri...)
	}
	return out
}
