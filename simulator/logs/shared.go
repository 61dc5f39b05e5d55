package logs

import (
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
)

// maxSharedViews bounds the views kept for all tenants: one per table and routing in use
// (most tenants route the scenario's standing settings the same way).
const maxSharedViews = 128

// sharedBase is the engine's telemetry generated once, for the scenario's default tenant and
// subscription ids (the canonical identity), and shared by every tenant: a tenant's tables
// are the shared ones with its own ids substituted (generate.TenantTokens) in the few
// columns that hold ids, plus its own rows (the action log, appended rows, replays).
type sharedBase struct {
	once   sync.Once
	err    error
	tokens []string
	ts     *tokenSet
	g      *generated
	// cols are the generated tables' columns (fixed; the row sets' t may be re-pointed).
	cols map[string][]kql.Column
	// deps says, per generated table and column, whether a value holds a tenant token.
	deps map[string][]bool
	// firstAttack is the earliest attack row's time (launches before it gate nothing).
	firstAttack time.Time
	// cached is set when the telemetry was read from the cache instead of generated.
	cached bool

	// mu guards the generated row sets' t and pos, which adoptView re-points.
	mu sync.RWMutex

	vmu   sync.Mutex
	views map[string]*sharedView
	uses  uint64

	// gathers are the shared views' gathered columns, by the rows they hold (sharedgather.go).
	gmu       sync.Mutex
	gathers   map[gatherKey]*sharedGather
	gatherSeq uint64
	seed      maphash.Seed

	scenOnce sync.Once
	scen     map[string]*scenarioTable
	scenErr  error
}

// sharedView is a view of canonical rows only, built once for every tenant that routes the
// table the same way and has no rows of its own in it.
type sharedView struct {
	ready   chan struct{}
	v       *view
	plan    *tokenPlan // where v.t's values hold tenant tokens
	err     error
	lastUse uint64
}

// base returns the engine's shared telemetry, generating it on first use.
func (e *Engine) base() (*sharedBase, error) {
	sb := &e.shared
	sb.once.Do(func() { sb.err = sb.generate(e) })
	return sb, sb.err
}

// canonicalParams are the generator parameters of the shared telemetry.
func (e *Engine) canonicalParams() generate.Params {
	return generate.Params{TenantID: strings.ToLower(e.scen.Tenant.DefaultTenantID),
		SubscriptionID: strings.ToLower(e.scen.Tenant.DefaultSubscriptionID),
		Seed:           e.opts.Seed, Users: e.opts.Users, Days: e.opts.Days}
}

func (sb *sharedBase) generate(e *Engine) error {
	cast, err := generate.ResolveCast(e.scen, e.canonicalParams())
	if err != nil {
		return fmt.Errorf("logs: shared telemetry: %w", err)
	}
	g, err := sb.load(e, cast)
	if err != nil {
		return fmt.Errorf("logs: shared telemetry: %w", err)
	}
	sb.tokens = generate.TenantTokens(e.scen, cast)
	sb.ts = newTokenSet(sb.tokens)
	sb.g = g
	sb.deps, sb.cols = map[string][]bool{}, map[string][]kql.Column{}
	sb.findDependentColumns()
	for name, rs := range g.tables {
		sb.cols[name] = rs.t.Cols
		for i, a := range rs.attack {
			if a && (sb.firstAttack.IsZero() || rs.times[i].Before(sb.firstAttack)) {
				sb.firstAttack = rs.times[i]
			}
		}
	}
	sb.views = map[string]*sharedView{}
	sb.seed = maphash.MakeSeed()
	return nil
}

// load reads the shared telemetry from the cache (Options.CacheDir), or generates it and
// writes the cache in the background.
func (sb *sharedBase) load(e *Engine, cast *generate.Cast) (*generated, error) {
	key := ""
	if e.opts.CacheDir != "" {
		var err error
		if key, err = e.telCacheKey(); err == nil {
			if g, err := readTelCache(e.opts.CacheDir, key); err == nil {
				sb.cached = true
				return g, nil
			}
		} else {
			key = ""
		}
	}
	tel, err := generate.GenerateCast(e.scen, cast)
	if err != nil {
		return nil, err
	}
	g, err := columnar(tel)
	if err != nil {
		return nil, err
	}
	if key != "" {
		go sb.writeCache(e, key, g)
	}
	return g, nil
}

// writeCache writes the cache of g as background work on the prebuild's CPU (the server's:
// more urgent work takes the slot between tables), from a snapshot of the row sets (views
// re-point them under sb.mu, which the encoding does not hold).
func (sb *sharedBase) writeCache(e *Engine, key string, g *generated) {
	var cpu *sched.CPU
	e.mu.Lock()
	if e.pre != nil {
		cpu = e.pre.opts.CPU
	}
	e.mu.Unlock()
	ctx, release, err := cpu.Acquire(context.Background(), sched.Background)
	if err != nil {
		return
	}
	defer release()
	snap := &generated{tables: map[string]*rowSet{}}
	sb.mu.RLock()
	for name, rs := range g.tables {
		c := *rs
		snap.tables[name] = &c
	}
	sb.mu.RUnlock()
	body, err := encodeGenerated(snap, ctx.Err)
	if err == nil {
		err = writeTelCacheBody(e.opts.CacheDir, key, body)
	}
	if err != nil && e.opts.CacheLog != nil {
		e.opts.CacheLog(err)
	}
}

// findDependentColumns scans every generated table for the columns holding tenant tokens,
// tables in parallel (the scan is a sizeable part of the one-time start).
func (sb *sharedBase) findDependentColumns() {
	names := make(chan string, len(sb.g.tables))
	for name := range sb.g.tables {
		names <- name
	}
	close(names)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range names {
				deps := sb.ts.dependentColumns(sb.g.tables[name].t)
				mu.Lock()
				sb.deps[name] = deps
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// baseDeps returns the dependent columns of a generated table (none for tables the
// generator does not write).
func (sb *sharedBase) baseDeps(table string, n int) []bool {
	if d, ok := sb.deps[table]; ok {
		return d
	}
	return make([]bool, n)
}

// shapedDeps maps a generated table's dependent columns onto a shaped table's columns (same
// name or alias, as shape shares them); TenantId of a workspace table is set per tenant.
func shapedDeps(base []kql.Column, baseDeps []bool, cols []kql.Column, workspace bool) []bool {
	idx := map[string]int{}
	for i, c := range base {
		idx[c.Name] = i
	}
	out := make([]bool, len(cols))
	for i, c := range cols {
		j, ok := idx[c.Name]
		if !ok {
			j, ok = idx[columnAliases[c.Name]]
		}
		out[i] = ok && baseDeps[j]
		if c.Name == "TenantId" && workspace {
			out[i] = false
		}
	}
	return out
}

// view returns the shared view of a table for d's routing and launch, building it once.
func (sb *sharedBase) view(tc *tenantCache, d *database, table string) (*sharedView, error) {
	key := sb.viewKey(d, table)
	sb.vmu.Lock()
	sb.uses++
	sv, ok := sb.views[key]
	if !ok {
		sv = &sharedView{ready: make(chan struct{})}
		sb.views[key] = sv
		sb.evictLocked(key)
	}
	sv.lastUse = sb.uses
	sb.vmu.Unlock()
	if !ok {
		sv.v, sv.plan, sv.err = tc.buildShared(d, table)
		close(sv.ready)
	}
	// Another piece of work builds it: wait without holding a processor slot, which the
	// builder may need (the background prebuild, the rule engine).
	ctx := d.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	if err := sched.Await(ctx, sv.ready); err != nil {
		return nil, err
	}
	if sv.err != nil {
		sb.vmu.Lock()
		if sb.views[key] == sv {
			delete(sb.views, key)
		}
		sb.vmu.Unlock()
		return nil, sv.err
	}
	return sv, nil
}

// viewKey says everything a shared view depends on: the table, the catalog variant, the
// routing and the launch (a launch before the first attack row gates nothing).
func (sb *sharedBase) viewKey(d *database, table string) string {
	return fmt.Sprintf("%s|%v|%s|%s", table, d.ws != nil, sb.launchKey(d.st.attack), d.routeSignature())
}

// launchKey is what views depend on of a launch: none ("-"), one before the first attack
// row ("early": it gates nothing, so the lab's instant and realtime launches are alike), or
// its time.
func (sb *sharedBase) launchKey(a AttackState) string {
	switch {
	case !a.Launched:
		return "-"
	case a.LaunchedAt.After(sb.firstAttack):
		return a.LaunchedAt.Format(time.RFC3339Nano)
	}
	return "early"
}

// evictLocked drops the least recently used shared views beyond maxSharedViews, never keep.
// Tenants still holding one keep it alive until they rebuild.
func (sb *sharedBase) evictLocked(keep string) {
	for len(sb.views) > maxSharedViews {
		victim, oldest := "", uint64(0)
		for k, sv := range sb.views {
			if k != keep && (victim == "" || sv.lastUse < oldest) {
				victim, oldest = k, sv.lastUse
			}
		}
		if victim == "" {
			return
		}
		delete(sb.views, victim)
	}
}

// scenarioTable is a workspace table of the canonical scenario data (every generated row, in
// event order), and only its background rows, with the columns holding tenant tokens.
type scenarioTable struct {
	all, background         *kql.Table
	allPlan, backgroundPlan *tokenPlan
}

// scenarioData returns the canonical scenario data, built once.
func (sb *sharedBase) scenarioData(cats catalogs) (map[string]*scenarioTable, error) {
	sb.scenOnce.Do(func() {
		sb.mu.RLock()
		defer sb.mu.RUnlock()
		sb.scen = map[string]*scenarioTable{}
		for name, rs := range sb.g.tables {
			cols, ok := cats.workspace[name]
			if !ok {
				continue // Defender-only tables are not in a workspace
			}
			idx := make([]int32, 0, len(rs.attack))
			for i, a := range rs.attack {
				if !a {
					idx = append(idx, int32(i))
				}
			}
			ordered := rs.eventOrdered()
			all := shape(ordered, cols, nil)
			if all.N != len(rs.attack) {
				sb.scenErr = fmt.Errorf("logs: scenario data: table %s has %d rows for %d flags", name, all.N, len(rs.attack))
				return
			}
			background := shape(ordered.Gather(idx), cols, nil)
			deps := shapedDeps(ordered.Cols, sb.deps[name], cols, false)
			sb.scen[name] = &scenarioTable{all: all, background: background,
				allPlan: sb.ts.plan(all, deps), backgroundPlan: sb.ts.plan(background, deps)}
		}
	})
	return sb.scen, sb.scenErr
}
