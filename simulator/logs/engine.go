package logs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// ErrWorkspaceNotFound is returned when a tenant has no workspace of that id or name.
var ErrWorkspaceNotFound = errors.New("workspace not found")

// Options size the generated telemetry (zero values: the generator's defaults).
type Options struct {
	Seed  int64
	Users int
	Days  int
	// MaxResidentTenants caps how many tenants keep their log views in memory (~26 MB each
	// at the default size; the generated telemetry itself is generated once and shared by
	// every tenant); the least recently used one is dropped when another is loaded, and
	// rebuilt (identically: appended rows and replays are read back from the state) on its
	// next query. 0 means no cap.
	MaxResidentTenants int
	// CacheDir, when set, is where the shared telemetry is cached (telcache.go): a server
	// restarted on the same state with the same executable loads it instead of generating it.
	CacheDir string
	// CacheLog, when set, hears why the cache could not be written.
	CacheLog func(error)
}

// Engine routes a world's telemetry into its tenants' workspaces. It is safe for concurrent use;
// build one per World and share it between the query APIs, the rule engine and the grader.
type Engine struct {
	world *simulator.World
	scen  *scenario.Scenario
	opts  Options
	cats  catalogs

	mu      sync.Mutex
	tenants map[string]*tenantCache
	uses    uint64 // counts cache lookups; a tenant's last lookup orders evictions
	sources sourceSet
	shared  sharedBase
	pre     *prebuilder // set by StartPrebuild
	read    readTables  // the tables queries read (the prebuild's working set)
}

// New returns the routing engine of w for scenario s.
func New(w *simulator.World, s *scenario.Scenario, opts Options) (*Engine, error) {
	cats, err := buildCatalogs()
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	return &Engine{world: w, scen: s, opts: opts, cats: cats, tenants: map[string]*tenantCache{}}, nil
}

// Scenario returns the engine's scenario.
func (e *Engine) Scenario() *scenario.Scenario { return e.scen }

// World returns the engine's world.
func (e *Engine) World() *simulator.World { return e.world }

// WorkspaceCatalog is the schema of every table a Log Analytics workspace has (Sentinel
// variants: TimeGenerated, TenantId, Type...), for kql.Compile.
func (e *Engine) WorkspaceCatalog() kql.Catalog { return e.cats.workspace }

// HuntingCatalog is the schema of the advanced hunting tables (Defender variants, Timestamp).
func (e *Engine) HuntingCatalog() kql.Catalog { return e.cats.hunting }

// Workspaces lists a tenant's Log Analytics workspaces.
func (e *Engine) Workspaces(tenantID string) ([]WorkspaceInfo, error) {
	var out []WorkspaceInfo
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		out, err = listWorkspaces(tx)
		return err
	})
	return out, err
}

// Workspace is one tenant's workspace.
type Workspace struct {
	e      *Engine
	tenant string
	// Info names the workspace.
	Info WorkspaceInfo
}

// Workspace finds a tenant's workspace by customerId (the query API's id), ARM id or name.
// Another tenant's workspace is ErrWorkspaceNotFound: ids never cross tenants.
func (e *Engine) Workspace(tenantID, idOrName string) (*Workspace, error) {
	list, err := e.Workspaces(tenantID)
	if err != nil {
		return nil, err
	}
	for _, w := range list {
		if strings.EqualFold(w.CustomerID, idOrName) || strings.EqualFold(w.ID, idOrName) || strings.EqualFold(w.Name, idOrName) {
			return &Workspace{e: e, tenant: tenantID, Info: w}, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrWorkspaceNotFound, idOrName)
}

// Now is the tenant's clock.
func (w *Workspace) Now() (time.Time, error) { return w.e.world.Now(w.tenant) }

// Database returns the workspace's tables as they are at virtual time at: the rows routed under
// the configuration of this moment whose ingestion time is not after at. Tables are views
// (prefixes of cached, ingestion-ordered tables); nothing is copied per call unless the
// routing or the extra rows of a table changed since the last call.
func (w *Workspace) Database(at time.Time) (kql.Database, error) {
	tc, st, err := w.e.prepare(w.tenant)
	if err != nil {
		return nil, err
	}
	var info WorkspaceInfo
	found := false
	for _, x := range st.workspaces {
		if x.ID == w.Info.ID {
			info, found = x, true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: %q", ErrWorkspaceNotFound, w.Info.Name)
	}
	return w.e.workspaceDB(tc, st, info, at), nil
}

// workspaceDB is the database of a workspace of the tenant whose state is st.
func (e *Engine) workspaceDB(tc *tenantCache, st *tenantState, info WorkspaceInfo, at time.Time) *database {
	routes := routesFor(e.scen, st, info)
	routes.add(ownSource, span{})
	return newDatabase(&database{tc: tc, st: st, at: at, cat: e.cats.workspace, ws: &info, routes: routes})
}

// huntingDB is the advanced hunting database of the tenant whose state is st.
func (e *Engine) huntingDB(tc *tenantCache, st *tenantState, at time.Time) *database {
	routes := routeSet{}
	for _, s := range standingStreams {
		routes.add(s, span{})
	}
	return newDatabase(&database{tc: tc, st: st, at: at, cat: e.cats.hunting, routes: routes})
}

// Hunting returns the tenant's advanced hunting tables (Defender XDR) at virtual time at. The
// Defender tables do not depend on any workspace; callers bound them to the last 30 days with
// Restrict, as the service does.
func (e *Engine) Hunting(tenantID string, at time.Time) (kql.Database, error) {
	tc, st, err := e.prepare(tenantID)
	if err != nil {
		return nil, err
	}
	return e.huntingDB(tc, st, at), nil
}

// prepare returns the tenant's cache (generating its telemetry on first use) and its routing
// inputs read in one transaction.
func (e *Engine) prepare(tenantID string) (*tenantCache, *tenantState, error) {
	var st *tenantState
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		st, err = readState(tx)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	tc, err := e.cache(st.tenant)
	if err != nil {
		return nil, nil, err
	}
	if err := tc.syncRows(e.world, st); err != nil {
		return nil, nil, err
	}
	return tc, st, nil
}

// cache returns the tenant's generated telemetry, generating it once.
func (e *Engine) cache(t simulator.Tenant) (*tenantCache, error) {
	e.mu.Lock()
	tc, ok := e.tenants[t.ID]
	if !ok {
		tc = &tenantCache{e: e, tenant: t, views: map[viewKey]*view{}, ahead: map[aheadKey]*view{}, replays: map[string]*generated{}, extra: map[string]*extraRows{}}
		e.tenants[t.ID] = tc
		e.evictLocked(t.ID)
	}
	e.uses++
	tc.lastUse = e.uses
	e.mu.Unlock()
	tc.once.Do(func() { tc.err = tc.generate() })
	if tc.err != nil {
		return nil, tc.err
	}
	return tc, nil
}

// evictLocked drops the least recently used tenants' caches beyond MaxResidentTenants, never
// keep's. Queries still holding a dropped cache finish on it; the garbage collector frees it
// after them.
func (e *Engine) evictLocked(keep string) {
	for e.opts.MaxResidentTenants > 0 && len(e.tenants) > e.opts.MaxResidentTenants {
		victim, oldest := "", uint64(0)
		for id, tc := range e.tenants {
			if id != keep && (victim == "" || tc.lastUse < oldest) {
				victim, oldest = id, tc.lastUse
			}
		}
		if victim == "" {
			return
		}
		delete(e.tenants, victim)
	}
}

// Resident lists the tenants whose telemetry is in memory now.
func (e *Engine) Resident() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.tenants))
	for id := range e.tenants {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// params are the generator parameters of a tenant.
func (e *Engine) params(t simulator.Tenant) generate.Params {
	return generate.Params{TenantID: strings.ToLower(t.ID), SubscriptionID: strings.ToLower(t.Subscription.ID),
		Seed: e.opts.Seed, Users: e.opts.Users, Days: e.opts.Days}
}

// Warm generates a tenant's telemetry now (servers call it at start, so the first query does
// not wait for it).
func (e *Engine) Warm(tenantID string) error {
	t, err := e.world.TenantByID(tenantID)
	if err != nil {
		return err
	}
	_, err = e.cache(t)
	return err
}
