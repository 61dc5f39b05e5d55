package logs

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/sched"
)

// PrebuildOptions tune the background building of tenants' views (StartPrebuild).
type PrebuildOptions struct {
	// CPU is the processor share the builds compute on, one table at a time as
	// sched.Background work (nil: they compute at once).
	CPU *sched.CPU
	// Poll is how often every tenant is looked at for a change that makes its views stale
	// (a new tenant, a workspace created, a diagnostic setting changed; 0: DefaultPrebuildPoll).
	Poll time.Duration
	// Log, when set, reports a tenant whose views could not be built.
	Log func(string)
}

// DefaultPrebuildPoll is how often the prebuild looks at every tenant.
const DefaultPrebuildPoll = time.Second

// prebuildFirst are the tables the lab's queries, rules and grader read: prebuilt from the
// start, before any query read them, and first.
var prebuildFirst = []string{"SigninLogs", "AADNonInteractiveUserSignInLogs", "AuditLogs", "AzureActivity",
	"AzureDiagnostics", "SecurityAlert", "SecurityIncident", "IdentityInfo", "CloudAppEvents", "IdentityLogonEvents",
	"AADSignInEventsBeta"}

// readTables is the class's working set: the tables some query has read, per catalog
// (workspace or hunting). The prebuild builds these (and prebuildFirst) for every tenant,
// not the whole catalog: a table nobody reads costs neither time nor memory.
type readTables struct {
	mu sync.Mutex
	m  map[readKey]bool
	// version counts the tables added: tenants prebuilt before a table joined are looked at
	// again.
	version int
}

type readKey struct {
	workspace bool
	table     string
}

// note records that a query read table from a workspace (or hunting) database.
func (r *readTables) note(workspace bool, table string) {
	k := readKey{workspace, table}
	r.mu.Lock()
	if !r.m[k] {
		if r.m == nil {
			r.m = map[readKey]bool{}
		}
		r.m[k] = true
		r.version++
	}
	r.mu.Unlock()
}

// size is the working set's version (how many tables it has had added).
func (r *readTables) size() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.version
}

// of lists the tables of names read from such databases, the lab's first.
func (r *readTables) of(workspace bool, names []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, n := range prebuildFirst {
		if slices.Contains(names, n) {
			out = append(out, n)
		}
	}
	for _, n := range names {
		if r.m[readKey{workspace, n}] && !slices.Contains(prebuildFirst, n) {
			out = append(out, n)
		}
	}
	return out
}

// prebuilder builds tenants' views in the background so that a learner's query finds them
// ready: a tenant asked for (Prebuild: after a launch) first, then every tenant whose routing
// state changed since its views were last built (every tenant after a restart).
type prebuilder struct {
	e    *Engine
	opts PrebuildOptions
	wake chan struct{}

	mu    sync.Mutex
	asked []string          // tenants asked for, oldest first
	done  map[string]string // tenant → the state its views were last built for
	busy  map[string]bool   // tenants a worker builds now → asked again meanwhile
}

// StartPrebuild builds tenants' views in the background until ctx ends: a tenant's views of
// the lab's tables and of every table a query of the class has read (workspace and advanced
// hunting), one table per slice of sched.Background
// work (checkpoints inside: more urgent work takes the slot), so a learner's first queries
// find them built instead of building them in the request; before a tenant's launch, also
// the shared views every tenant launching the lab's attack uses. A server calls it once.
func (e *Engine) StartPrebuild(ctx context.Context, opts PrebuildOptions) {
	if opts.Poll <= 0 {
		opts.Poll = DefaultPrebuildPoll
	}
	p := &prebuilder{e: e, opts: opts, wake: make(chan struct{}, 1), done: map[string]string{}, busy: map[string]bool{}}
	e.mu.Lock()
	if e.pre != nil {
		e.mu.Unlock()
		return
	}
	e.pre = p
	e.mu.Unlock()
	go p.run(ctx)
}

// Prebuild asks for a tenant's views to be built now, before the periodic look (a launch
// calls it). Without StartPrebuild it does nothing.
func (e *Engine) Prebuild(tenantID string) {
	e.mu.Lock()
	p := e.pre
	e.mu.Unlock()
	if p == nil {
		return
	}
	p.mu.Lock()
	if !slices.Contains(p.asked, tenantID) {
		p.asked = append(p.asked, tenantID)
	}
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *prebuilder) run(ctx context.Context) {
	tick := time.NewTicker(p.opts.Poll)
	defer tick.Stop()
	for {
		p.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-tick.C:
		}
	}
}

// pass builds the tenants asked for, then looks at every tenant (asked ones go first
// whenever they come), on as many workers as there are cores: the builds are background
// work, so more workers only use slots more urgent work leaves free.
func (p *prebuilder) pass(ctx context.Context) {
	var list []string
	ts, err := p.e.world.Tenants()
	if err != nil {
		p.log("soclab: view prebuild: %v", err)
	}
	if max := p.e.opts.MaxResidentTenants; err == nil && (max <= 0 || len(ts) <= max) {
		for _, t := range ts { // a class over the cap: prebuilding all would evict what queries use
			list = append(list, t.ID)
		}
	}
	var mu sync.Mutex
	next := func() (string, bool) {
		p.mu.Lock()
		if len(p.asked) > 0 {
			id := p.asked[0]
			p.asked = p.asked[1:]
			p.mu.Unlock()
			return id, true
		}
		p.mu.Unlock()
		mu.Lock()
		defer mu.Unlock()
		if len(list) == 0 {
			return "", false
		}
		id := list[0]
		list = list[1:]
		return id, true
	}
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				id, ok := next()
				if !ok {
					return
				}
				if p.claim(id) {
					p.tenant(ctx, id)
					p.unclaim(id)
				}
			}
		}()
	}
	wg.Wait()
}

// claim marks a tenant as being built by one worker (false: another worker builds it, and
// looks at it again when done, in case its state changed meanwhile).
func (p *prebuilder) claim(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.busy[id]; ok {
		p.busy[id] = true
		return false
	}
	p.busy[id] = false
	return true
}

func (p *prebuilder) unclaim(id string) {
	p.mu.Lock()
	again := p.busy[id]
	delete(p.busy, id)
	p.mu.Unlock()
	if again {
		p.e.Prebuild(id)
	}
}

func (p *prebuilder) log(format string, args ...any) {
	if p.opts.Log != nil {
		p.opts.Log(fmt.Sprintf(format, args...))
	}
}

// tenant builds the stale views of one tenant, unless its routing state is the one its views
// were last built for; then, kept aside (ahead.go), the views it will read next: those of
// the lab's workspace before the tenant creates it, and before its launch those of the
// launched lab.
func (p *prebuilder) tenant(ctx context.Context, id string) {
	tc, st, err := p.e.prepare(id)
	if err != nil {
		return // a tenant removed meanwhile, or its state unreadable: its queries say why
	}
	key := fmt.Sprintf("%s; working set %d", prebuildKey(st), p.e.read.size())
	p.mu.Lock()
	same := p.done[id] == key
	p.mu.Unlock()
	if same {
		return
	}
	fail := func(name string, err error) {
		if ctx.Err() == nil {
			p.log("soclab: view prebuild: tenant %s, table %s: %v", st.tenant.Name, name, err)
		}
	}
	for _, d := range p.e.prebuildDatabases(tc, st) {
		for _, name := range p.e.read.of(d.ws != nil, d.cat.Names()) {
			err := p.build(ctx, func() bool { return tc.fresh(d, name) }, func(sctx context.Context) error {
				_, err := tc.view(d.with(sctx), name)
				return err
			})
			if err != nil {
				fail(name, err)
				return
			}
		}
	}
	ahead := p.e.labWorkspaceDatabases(tc, st)
	if st.attack.Launched {
		tc.dropAhead()
	} else {
		launched := *st
		launched.attack.Launched, launched.attack.LaunchedAt = true, time.Time{} // an early launch, as the lab's
		ahead = append(append(ahead, p.e.prebuildDatabases(tc, &launched)...), p.e.labWorkspaceDatabases(tc, &launched)...)
	}
	for _, d := range ahead {
		for _, name := range p.e.read.of(d.ws != nil, d.cat.Names()) {
			err := p.build(ctx, func() bool { return tc.aheadFresh(d, name, d.aheadSignature(name)) }, func(sctx context.Context) error {
				return tc.buildAhead(d.with(sctx), name)
			})
			if err != nil {
				fail(name, err)
				return
			}
		}
	}
	p.mu.Lock()
	p.done[id] = key
	p.mu.Unlock()
}

// build runs one slice of background work on the CPU, unless done says it is not needed.
func (p *prebuilder) build(ctx context.Context, done func() bool, work func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if done() {
		return nil
	}
	sctx, release, err := p.opts.CPU.Acquire(ctx, sched.Background)
	if err != nil {
		return err
	}
	defer release()
	return work(sctx)
}

// prebuildDatabases are the databases whose views a tenant's queries read: each workspace
// and advanced hunting, at the tenant's clock.
func (e *Engine) prebuildDatabases(tc *tenantCache, st *tenantState) []*database {
	var out []*database
	for _, info := range st.workspaces {
		out = append(out, e.workspaceDB(tc, st, info, st.now))
	}
	return append(out, e.huntingDB(tc, st, st.now))
}

// labWorkspaceDatabases are the databases of the workspaces the scenario's diagnostic
// settings send to that the tenant has not created yet (the lab's law-contoso-unified), as
// they will be once it does: only their shared views are built from them.
func (e *Engine) labWorkspaceDatabases(tc *tenantCache, st *tenantState) []*database {
	var out []*database
	seen := map[string]bool{}
	for _, s := range e.scen.Cast.DiagnosticSettings {
		group, name, ok := strings.Cut(s.Workspace, "/")
		key := strings.ToLower(s.Workspace)
		if !ok || seen[key] {
			continue
		}
		seen[key] = true
		if slices.ContainsFunc(st.workspaces, func(w workspaceInfo) bool {
			return strings.EqualFold(w.Group, group) && strings.EqualFold(w.Name, name)
		}) {
			continue
		}
		info := workspaceInfo{ID: simulator.ResourceID(st.tenant.Subscription.ID, group, simulator.WorkspaceType, name), Group: group, Name: name}
		out = append(out, e.workspaceDB(tc, st, info, st.now))
	}
	return out
}

// prebuildKey says what of a tenant's state its views depend on (besides rows of registered
// sources, which change with every rule run: those tables are built by the query that reads
// them).
func prebuildKey(st *tenantState) string {
	var b strings.Builder
	for _, w := range st.workspaces {
		fmt.Fprintf(&b, "ws %s %s;", w.ID, w.CustomerID)
	}
	for _, s := range st.settings {
		fmt.Fprintf(&b, "set %s %s %v %v %v;", s.id, s.workspaceID, s.categories, s.from.UnixNano(), s.to.UnixNano())
	}
	a := st.attack
	fmt.Fprintf(&b, "attack %v %d %d; activities %d; rows %s %d; faults %v", a.Launched, a.LaunchedAt.UnixNano(), len(a.Replays),
		len(st.activities), st.rows.Epoch, st.rows.N, st.faults)
	return b.String()
}
