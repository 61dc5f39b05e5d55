package logs

import (
	"hash/maphash"
	"maps"
	"slices"
	"unsafe"
	"weak"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
)

// Shared views of one table that hold the same generated rows in the same order (a Defender
// table's workspace and advanced hunting variants, routed alike, ingested alike) share their
// gathered columns: the class keeps them once, and a tenant converts a column once for both
// (rebase.apply remembers its converted columns by the shared column).

// gatherKey names a gather of a table's generated rows: their count and a hash of their
// positions in the row set (rowSet order, which adoptView does not change).
type gatherKey struct {
	table string
	n     int
	sum   uint64
}

// sharedGather is one gathered table and the rows it holds, compared in full on a hit; seq
// orders the gathers by when they were made.
type sharedGather struct {
	rows []int32
	t    *kql.Table
	seq  uint64
}

// maxSharedGathers bounds the gathers remembered: the workspace and hunting views of one
// state are built close together, and a gather whose views were dropped costs its columns.
const maxSharedGathers = 64

// gatherShared returns the candidates' rows of rs gathered (gatherRows), the table an
// earlier shared view gathered when it held the same rows in the same order.
func (sb *sharedBase) gatherShared(table string, cols []kql.Column, rs *rowSet, cands []candidate) *kql.Table {
	rows := make([]int32, len(cands))
	for j, k := range cands {
		rows[j] = int32(k.i)
	}
	key := gatherKey{table: table, n: len(rows)}
	if len(rows) > 0 {
		key.sum = maphash.Bytes(sb.seed, unsafe.Slice((*byte)(unsafe.Pointer(&rows[0])), 4*len(rows)))
	}
	sb.gmu.Lock()
	g := sb.gathers[key]
	sb.gmu.Unlock()
	if g != nil && slices.Equal(g.rows, rows) {
		return g.t
	}
	t := gatherRows(table, cols, rs, cands)
	sb.gmu.Lock()
	defer sb.gmu.Unlock()
	if sb.gathers == nil {
		sb.gathers = map[gatherKey]*sharedGather{}
	}
	for len(sb.gathers) >= maxSharedGathers { // the oldest goes (a later view gathers it again)
		var oldest gatherKey
		first := true
		for k, g := range sb.gathers {
			if first || g.seq < sb.gathers[oldest].seq {
				oldest, first = k, false
			}
		}
		delete(sb.gathers, oldest)
	}
	sb.gatherSeq++
	sb.gathers[key] = &sharedGather{rows: rows, t: t, seq: sb.gatherSeq}
	return t
}

// convertedColumn returns the tenant's conversion of shared column src while a view of the
// tenant still holds it.
func (r *rebase) convertedColumn(src *exec.Vector) *exec.Vector {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cols[weak.Make(src)].Value()
}

// rememberColumn keeps the tenant's conversion v of shared column src, weakly: the memo
// keeps neither column alive (a dropped view's columns are freed), and forgets the entries
// whose columns were freed as it grows.
func (r *rebase) rememberColumn(src, v *exec.Vector) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cols == nil {
		r.cols = map[weak.Pointer[exec.Vector]]weak.Pointer[exec.Vector]{}
	}
	if len(r.cols) >= r.colsLimit {
		maps.DeleteFunc(r.cols, func(k, v weak.Pointer[exec.Vector]) bool { return k.Value() == nil || v.Value() == nil })
		r.colsLimit = max(64, 2*len(r.cols))
	}
	r.cols[weak.Make(src)] = weak.Make(v)
}
