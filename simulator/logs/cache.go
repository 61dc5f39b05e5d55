package logs

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// generated is a set of generated tables in columnar form with each row's side data.
type generated struct {
	tables map[string]*rowSet
}

// rowSet is candidate rows of one table: columnar values in the table's generated (base)
// column order, and per row its event time, source and whether an attack step made it.
type rowSet struct {
	t      *kql.Table
	times  []time.Time
	source []generate.Source
	attack []bool
	// pos, when set, says where row i's values are in t: a generated table whose rows all
	// entered a view is kept as that view's (ingestion-ordered) columns, not twice (see
	// adoptView). Base row sets change t and pos only under tenantCache.mu.
	pos []int32
}

// row is where row i's values are in rs.t.
func (rs *rowSet) row(i int) int {
	if rs.pos != nil {
		return int(rs.pos[i])
	}
	return i
}

// eventOrdered returns the rows as a table in their own (event-time) order; a copy when the
// values are kept in a view's order.
func (rs *rowSet) eventOrdered() *kql.Table {
	if rs.pos == nil {
		return rs.t
	}
	t := rs.t.Gather(rs.pos)
	t.Name = rs.t.Name
	return t
}

// tenantCache is what the engine keeps in memory for one tenant.
type tenantCache struct {
	e      *Engine
	tenant simulator.Tenant
	once   sync.Once
	err    error
	cast   *generate.Cast
	// base is the engine's shared generated telemetry (canonical ids), rebase turns its
	// values into this tenant's.
	base   *generated
	shared *sharedBase
	rebase *rebase
	// lastUse is the engine's use counter at this tenant's last lookup (guarded by Engine.mu).
	lastUse uint64

	mu      sync.Mutex
	replays map[string]*generated // by replay nonce
	loaded  int                   // appended rows loaded so far
	epoch   string                // the row log's epoch they belong to
	extra   map[string]*extraRows // appended rows per table, converted once
	views   map[viewKey]*view
	// ahead are views the prebuild made for the state the tenant goes to next (its launch),
	// taken by the first read in that state.
	ahead map[aheadKey]*view
}

// viewKey names one view: a workspace (customerId; "" for advanced hunting) and a table.
type viewKey struct {
	workspace, table string
}

// view is a table's routed rows sorted by ingestion time, for one routing signature.
type view struct {
	sig    string
	t      *kql.Table
	ingest []time.Time
}

// generate resolves the tenant's cast (its ids) and attaches it to the engine's shared
// telemetry: generating that is the engine's one-time cost, a tenant's is only its ids.
func (tc *tenantCache) generate() error {
	sb, err := tc.e.base()
	if err != nil {
		return err
	}
	cast, err := generate.ResolveCast(tc.e.scen, tc.e.params(tc.tenant))
	if err != nil {
		return fmt.Errorf("logs: tenant %s: %w", tc.tenant.Name, err)
	}
	tokens := generate.TenantTokens(tc.e.scen, cast)
	if len(tokens) != len(sb.tokens) {
		return fmt.Errorf("logs: tenant %s: %d tenant tokens, the shared telemetry has %d", tc.tenant.Name, len(tokens), len(sb.tokens))
	}
	tc.cast, tc.base, tc.shared = cast, sb.g, sb
	tc.rebase = newRebase(sb.ts, sb.tokens, tokens)
	return nil
}

// columnar converts generated telemetry into engine tables. The row-to-column conversion of
// each table is independent and runs on every core (tables taken in order, at most
// GOMAXPROCS ahead of the one being compacted); the interning is sequential, in the
// telemetry's table order, so its result does not depend on the scheduling.
func columnar(tel *generate.Telemetry) (*generated, error) {
	g := &generated{tables: map[string]*rowSet{}}
	pool, dyns := stringPool{}, dynPool{}
	tbs := tel.All()
	type built struct {
		t   *kql.Table
		err error
	}
	results := make([]chan built, len(tbs))
	for i := range results {
		results[i] = make(chan built, 1)
	}
	var next atomic.Int64
	workers := min(runtime.GOMAXPROCS(0), len(tbs))
	ahead := make(chan struct{}, workers) // bounds the tables converted but not yet compacted
	for range workers {
		go func() {
			for {
				ahead <- struct{}{}
				i := int(next.Add(1)) - 1
				if i >= len(tbs) {
					<-ahead
					return
				}
				tb := tbs[i]
				cols, err := engineColumns(tb.Columns)
				var t *kql.Table
				if err == nil {
					t, err = kql.NewTable(tb.Name, cols, tb.Rows)
				}
				results[i] <- built{t, err}
			}
		}()
	}
	var firstErr error
	for i, tb := range tbs {
		r := <-results[i]
		<-ahead
		if firstErr != nil {
			continue // drain: the workers stop at the end of the list
		}
		if r.err != nil {
			firstErr = r.err
			continue
		}
		t := r.t
		compactTable(t, pool, dyns)
		tb.Rows = nil // the row form is not needed once the columns are built
		rs := &rowSet{t: t, times: make([]time.Time, len(tb.Meta)), source: make([]generate.Source, len(tb.Meta)), attack: make([]bool, len(tb.Meta))}
		for i, m := range tb.Meta {
			rs.times[i], rs.source[i], rs.attack[i] = m.Time, m.Source, m.Step != ""
		}
		g.tables[tb.Name] = rs
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return g, nil
}

// syncRows loads appended rows written since the last call, and the replays the state names.
func (tc *tenantCache) syncRows(w *simulator.World, st *tenantState) error {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for _, r := range st.attack.Replays {
		if _, ok := tc.replays[r.Nonce]; ok {
			continue
		}
		tel, err := generate.ReplayStep(tc.e.scen, tc.cast, r.Step, r.At, r.Nonce)
		if err != nil {
			return fmt.Errorf("logs: replay %s: %w", r.Step, err)
		}
		g, err := columnar(tel)
		if err != nil {
			return fmt.Errorf("logs: replay %s: %w", r.Step, err)
		}
		tc.replays[r.Nonce] = g
	}
	if tc.epoch != st.rows.Epoch { // the tenant was reset (or appends for the first time)
		tc.loaded, tc.extra, tc.epoch = 0, map[string]*extraRows{}, st.rows.Epoch
	}
	if tc.loaded == st.rows.N {
		return nil
	}
	return w.View(tc.tenant.ID, func(tx *simulator.TenantTx) error {
		for n := tc.loaded + 1; n <= st.rows.N; n++ {
			var r storedRow
			ok, err := tx.GetJSON(rowsColl, rowKey(n), &r)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("logs: appended row %d is missing", n)
			}
			if err := tc.addExtra(r); err != nil {
				return err
			}
			tc.loaded = n
		}
		return nil
	})
}
