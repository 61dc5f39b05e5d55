package logs

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// database is one tenant's tables at one virtual time under one routing (a workspace, or the
// Defender side when ws is nil). Views are built on first use of a table.
type database struct {
	tc     *tenantCache
	st     *tenantState
	at     time.Time
	cat    engineCatalog
	ws     *WorkspaceInfo
	routes routeSet
	// routeSig is routes' signature, found once (newDatabase): every table read asks for it.
	routeSig string
	// ctx is the context of the work reading the tables (kql.Query.Run binds it): building
	// a view checks it between bounded slices, which is where work holding a processor slot
	// gives it to more urgent work (sched.CPU), and stops when the work is cancelled.
	ctx context.Context
}

// WithContext returns the database reading its tables for the work of ctx (kql.ContextDatabase).
func (d *database) WithContext(ctx context.Context) kql.Database { return d.with(ctx) }

// with is d reading its tables for the work of ctx.
func (d *database) with(ctx context.Context) *database {
	c := *d
	c.ctx = ctx
	return &c
}

// check is a checkpoint of view building: the work's context's error (nil without one).
func (d *database) check() error {
	if d.ctx == nil {
		return nil
	}
	return d.ctx.Err()
}

// Names lists the tables of the catalog.
func (d *database) Names() []string { return d.cat.Names() }

// Table returns the rows of the table ingested by the database's time.
func (d *database) Table(name string) (*kql.Table, bool) {
	if _, ok := d.cat.Table(name); !ok {
		return nil, false
	}
	d.tc.e.read.note(d.ws != nil, name)
	v, err := d.tc.view(d, name)
	if err != nil {
		return nil, false
	}
	n := sort.Search(len(v.ingest), func(i int) bool { return v.ingest[i].After(d.at) })
	return v.t.Prefix(n), true
}

// candidate is one row that may enter a view.
type candidate struct {
	rs     *rowSet
	i      int
	ingest time.Time
	// key is the row's stable identity (its _ItemId is derived from it).
	key uint64
}

// newDatabase is a database with its route signature.
func newDatabase(d *database) *database {
	d.routeSig = d.signRoutes()
	return d
}

// routeSignature says which sources the database routes, over which event times.
func (d *database) routeSignature() string {
	if d.routeSig != "" {
		return d.routeSig
	}
	return d.signRoutes()
}

// signRoutes writes routeSignature.
func (d *database) signRoutes() string {
	srcs := make([]string, 0, len(d.routes))
	for s, spans := range d.routes {
		for _, sp := range spans {
			srcs = append(srcs, string(s)+"@"+sp.from.Format(time.RFC3339Nano)+"-"+sp.to.Format(time.RFC3339Nano))
		}
	}
	sort.Strings(srcs)
	return strings.Join(srcs, ",")
}

// signature says everything a view of table depends on; the view is rebuilt when it changes.
func (d *database) signature(table string) string {
	customer := ""
	if d.ws != nil {
		customer = d.ws.CustomerID
	}
	return d.signatureFor(table, customer)
}

// signatureFor is signature with the workspace's customerId given.
func (d *database) signatureFor(table, customer string) string {
	var b strings.Builder
	b.WriteString(d.routeSignature())
	fmt.Fprintf(&b, "|%s|%d|%d", d.tc.shared.launchKey(d.st.attack), len(d.st.attack.Replays), d.tc.rowsOf(table))
	if table == "AzureActivity" {
		fmt.Fprintf(&b, "|%d", len(d.st.activities))
	}
	if d.ws != nil {
		b.WriteString("|" + customer)
	}
	b.WriteString(d.sourceVersions(table))
	return b.String()
}

// view returns the table's view for the database's routing, rebuilding it when stale. A
// table without rows of the tenant's own (the action log, appended rows, replays) is the
// shared view of every tenant routing it the same way, with this tenant's ids. The view is
// built outside the tenant's lock, with checkpoints (d.check): a query of the tenant never
// waits for another's build (the background prebuild's, paused for more urgent work), it
// builds the table itself; the last build stored wins (builds of one signature are equal).
// A view the prebuild made ahead for this state (the launched lab before the launch, the lab
// workspace before it is created) is taken as it is.
func (tc *tenantCache) view(d *database, table string) (*view, error) {
	key := tc.viewKey(d, table)
	sig := d.signature(table)
	tc.mu.Lock()
	if v, ok := tc.views[key]; ok && v.sig == sig {
		tc.mu.Unlock()
		return v, nil
	}
	tc.mu.Unlock()
	if v, ok := tc.takeAhead(d, table, sig); ok {
		return v, nil
	}
	v, err := tc.build(d, table, sig)
	if err != nil {
		return nil, err
	}
	tc.mu.Lock()
	tc.views[key] = v
	tc.mu.Unlock()
	return v, nil
}

// build builds the view of table in d, for signature sig.
func (tc *tenantCache) build(d *database, table, sig string) (*view, error) {
	tc.mu.Lock()
	own, err := tc.ownCandidates(d, table)
	tc.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var v *view
	if len(own) == 0 {
		sv, err := tc.shared.view(tc, d, table)
		if err != nil {
			return nil, err
		}
		if v, err = tc.overlay(sv, d); err != nil {
			return nil, err
		}
	} else if v, err = tc.buildPrivate(d, table, own); err != nil {
		return nil, err
	}
	v.sig = sig
	return v, nil
}

// viewKey names the view of table in d.
func (tc *tenantCache) viewKey(d *database, table string) viewKey {
	key := viewKey{table: table}
	if d.ws != nil {
		key.workspace = d.ws.ID
	}
	return key
}

// fresh reports whether the tenant's view of table in d is built for d's current signature.
func (tc *tenantCache) fresh(d *database, table string) bool {
	key, sig := tc.viewKey(d, table), d.signature(table)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	v, ok := tc.views[key]
	return ok && v.sig == sig
}

// overlay is a shared view with the tenant's ids and workspace.
func (tc *tenantCache) overlay(sv *sharedView, d *database) (*view, error) {
	t, err := tc.rebase.apply(sv.v.t, sv.plan, d.check)
	if err != nil {
		return nil, err
	}
	if d.ws != nil {
		if i := t.ColumnIndex("TenantId"); i >= 0 {
			if t == sv.v.t {
				t = &kql.Table{Name: t.Name, Cols: t.Cols, Vecs: slices.Clone(t.Vecs), N: t.N}
			}
			t.Vecs[i] = exec.ConstVector(t.Cols[i].Type, types.NewString(d.ws.CustomerID), t.N)
		}
	}
	return &view{t: t, ingest: sv.v.ingest}, nil
}

// baseCandidates are the generated rows of a table the routing lets through, attack rows
// only once launched and not before the launch.
func (d *database) baseCandidates(rs *rowSet, table string) []candidate {
	var cands []candidate
	d.addCandidates(&cands, rs, table, true, 0)
	return cands
}

// addCandidates appends rs's routed rows with their ingestion times.
func (d *database) addCandidates(cands *[]candidate, rs *rowSet, table string, gated bool, salt uint64) {
	if rs == nil {
		return
	}
	delay := delayOf(table)
	seed := tableKey(table)
	launched, launchedAt := d.st.attack.Launched, d.st.attack.LaunchedAt
	routed := d.routes.routed
	for i := range rs.times {
		if !routed(rs.source[i], rs.times[i]) {
			continue
		}
		at := rs.times[i]
		if gated && rs.attack[i] {
			if !launched {
				continue
			}
			if launchedAt.After(at) {
				at = launchedAt
			}
		}
		key := seed ^ salt ^ uint64(rs.times[i].UnixNano()) ^ uint64(i)<<40
		*cands = append(*cands, candidate{rs: rs, i: i, ingest: at.Add(delay.At(key)), key: key})
	}
}

// ownCandidates are the tenant's own rows of a table: replays, the action log (AzureActivity),
// appended rows (a snapshot) and rows of registered sources (caller holds tc.mu).
func (tc *tenantCache) ownCandidates(d *database, table string) ([]candidate, error) {
	base, err := tc.baseColumns(table)
	if err != nil {
		return nil, err
	}
	var cands []candidate
	for n, r := range d.st.attack.Replays {
		if g := tc.replays[r.Nonce]; g != nil {
			d.addCandidates(&cands, g.tables[table], table, false, uint64(n+1)*0x9e3779b97f4a7c15)
		}
	}
	if table == "AzureActivity" {
		rs, err := activityRows(d.st, base)
		if err != nil {
			return nil, err
		}
		d.addCandidates(&cands, rs, table, false, 0xac7)
	}
	if x := tc.extra[table]; x != nil {
		delay := delayOf(table)
		seed := tableKey(table)
		rs := x.snapshot() // the view is built after tc.mu is released, while rows may be added
		for i, ws := range x.ws {
			if ws != "" && (d.ws == nil || ws != d.ws.CustomerID) {
				continue
			}
			if ws == "" && !d.routes.routed(x.rs.source[i], x.rs.times[i]) {
				continue
			}
			key := seed ^ 0xa99 ^ uint64(x.rs.times[i].UnixNano()) ^ uint64(i)<<40
			cands = append(cands, candidate{rs: rs, i: i, ingest: x.rs.times[i].Add(delay.At(key)), key: key})
		}
	}
	sourced, err := tc.sourced(d, table, base)
	if err != nil {
		return nil, err
	}
	for n, rs := range sourced {
		d.addCandidates(&cands, rs, table, false, 0x50c^uint64(n))
	}
	return cands, nil
}

// buildShared builds the view of a table's generated rows alone (canonical ids), shared by
// every tenant with the same routing and launch, and finds where its tenant tokens are.
func (tc *tenantCache) buildShared(d *database, table string) (*view, *tokenPlan, error) {
	sb := tc.shared
	cols, err := tc.baseColumns(table)
	if err != nil {
		return nil, nil, err
	}
	sb.mu.RLock()
	rs := sb.g.tables[table]
	cands := d.baseCandidates(rs, table)
	slices.SortStableFunc(cands, func(a, b candidate) int { return a.ingest.Compare(b.ingest) })
	// no checkpoints: every tenant routing the table so waits for this build (sched.Await)
	var t *kql.Table
	if rs != nil {
		t = sb.gatherShared(table, cols, rs, cands)
	} else {
		t, _ = gatherView(table, cols, cands, nil, nil)
	}
	sb.mu.RUnlock()
	sb.mu.Lock()
	adoptView(rs, t, cands)
	sb.mu.Unlock()
	deps := shapedDeps(cols, sb.baseDeps(table, len(cols)), d.cat[table], d.ws != nil)
	v := finishView(t, table, cands, d.cat, nil)
	return v, sb.ts.plan(v.t, deps), nil
}

// gatherView copies the candidates' values into new vectors in the candidates' order; fix,
// when set, converts each value (column, row) on the way. check, when set, is called before
// each column (a checkpoint); its error stops the build.
func gatherView(table string, cols []kql.Column, cands []candidate, fix func(int, candidate, types.Value) types.Value, check func() error) (*kql.Table, error) {
	vecs := make([]*exec.Vector, len(cols))
	for c, col := range cols {
		if check != nil {
			if err := check(); err != nil {
				return nil, err
			}
		}
		v := exec.NewVector(col.Type, len(cands))
		for _, k := range cands {
			x := k.rs.t.Vecs[c].Get(k.rs.row(k.i))
			if fix != nil {
				x = fix(c, k, x)
			}
			v.Append(x)
		}
		vecs[c] = v
	}
	return &kql.Table{Name: table, Cols: cols, Vecs: vecs, N: len(cands)}, nil
}

// gatherRows is gatherView for candidates that are all rows of rs (a shared view's): each
// column is one typed gather of rs's column (no value-by-value copy).
func gatherRows(table string, cols []kql.Column, rs *rowSet, cands []candidate) *kql.Table {
	idx := make([]int32, len(cands))
	for j, k := range cands {
		idx[j] = int32(rs.row(k.i))
	}
	vecs := make([]*exec.Vector, len(cols))
	for c := range cols {
		vecs[c] = rs.t.Vecs[c].Gather(idx)
	}
	return &kql.Table{Name: table, Cols: cols, Vecs: vecs, N: len(cands)}
}

// finishView shapes a gathered table as the catalog's variant and fills the standard columns.
func finishView(t *kql.Table, table string, cands []candidate, cat engineCatalog, ws *WorkspaceInfo) *view {
	cols, _ := cat.Table(table)
	t = shape(t, cols, ws)
	ingest := make([]time.Time, len(cands))
	for i, k := range cands {
		ingest[i] = k.ingest
	}
	fillReceived(t, table, cands)
	return &view{t: t, ingest: ingest}
}

// fillReceived sets the hidden standard columns a row gets at ingestion: _ItemId, a GUID
// stable for the row (derived from the record's id where the table has one), and _TimeReceived,
// its ingestion time.
func fillReceived(t *kql.Table, table string, cands []candidate) {
	if i, j := t.ColumnIndex("_ItemId"), t.ColumnIndex(generate.ItemIDColumns[table]); i >= 0 && j >= 0 && t.Cols[i].Type == types.String {
		// a record with its own id: _ItemId follows from it (UEBA's SourceRecordId points at it)
		buf := make([]byte, 0, 36*t.N)
		for r := 0; r < t.N; r++ {
			buf = generate.AppendItemID(buf, table, t.Vecs[j].Get(r).S)
		}
		all := string(buf)
		v := exec.NewVector(types.String, t.N)
		for r := 0; r < t.N; r++ {
			v.Append(types.NewString(all[36*r : 36*r+36]))
		}
		t.Vecs[i] = v
	} else if i >= 0 && t.Cols[i].Type == types.String {
		// one backing string for all ids: a row costs its 36 bytes, not an allocation each
		salt := tableKey(table)
		buf := make([]byte, 0, 36*len(cands))
		for _, k := range cands {
			buf = appendItemID(buf, salt, k)
		}
		all := string(buf)
		v := exec.NewVector(types.String, len(cands))
		for r := range cands {
			v.Append(types.NewString(all[36*r : 36*r+36]))
		}
		t.Vecs[i] = v
	}
	if i := t.ColumnIndex("_TimeReceived"); i >= 0 && t.Cols[i].Type == types.DateTime {
		v := exec.NewVector(types.DateTime, len(cands))
		for _, k := range cands {
			v.Append(types.NewDateTime(k.ingest))
		}
		t.Vecs[i] = v
	}
}

// appendItemID appends a version-4-shaped GUID (36 bytes) derived from the row's key and
// event time.
func appendItemID(buf []byte, salt uint64, k candidate) []byte {
	a := mix64(salt ^ k.key)
	b := mix64(a ^ uint64(k.rs.times[k.i].UnixNano()))
	// "%08x-%04x-4%03x-%04x-%012x" of these, written directly (a view of 30 000 rows made
	// them through fmt at ~10 ms)
	buf = appendHex(buf, uint64(uint32(a>>32)), 8)
	buf = append(buf, '-')
	buf = appendHex(buf, uint64(uint16(a>>16)), 4)
	buf = append(buf, '-', '4')
	buf = appendHex(buf, uint64(uint16(a)&0xfff), 3)
	buf = append(buf, '-')
	buf = appendHex(buf, uint64(uint16(b>>48)&0x3fff|0x8000), 4)
	buf = append(buf, '-')
	return appendHex(buf, b&0xffffffffffff, 12)
}

// appendHex appends the n lowest hex digits of x in lower case, zero-padded.
func appendHex(buf []byte, x uint64, n int) []byte {
	const digits = "0123456789abcdef"
	for i := n - 1; i >= 0; i-- {
		buf = append(buf, digits[(x>>(4*uint(i)))&0xf])
	}
	return buf
}

// mix64 is splitmix64's finalizer: a cheap, well-spread 64-bit hash.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// adoptView keeps a generated table's values only once: when every one of its rows is in the
// view just built (the lab workspace after the launch), the row set points into the view's
// columns (shared, never modified) and its own copy is dropped. Called under tc.mu.
func adoptView(rs *rowSet, t *kql.Table, cands []candidate) {
	if rs == nil || len(rs.times) == 0 {
		return
	}
	pos := make([]int32, len(rs.times))
	n := 0
	for j, k := range cands {
		if k.rs == rs {
			pos[k.i] = int32(j)
			n++
		}
	}
	if n != len(rs.times) {
		return
	}
	rs.t, rs.pos = t, pos
}

// baseColumns are the columns rows of table are kept in: the generated ones, or the schema's.
func (tc *tenantCache) baseColumns(table string) ([]kql.Column, error) {
	if cols, ok := tc.shared.cols[table]; ok {
		return cols, nil
	}
	cols, ok := tc.e.cats.base[table]
	if !ok {
		return nil, fmt.Errorf("logs: unknown table %s", table)
	}
	return cols, nil
}

// columnAliases are the names a column has in the other variant of a table.
var columnAliases = map[string]string{"TimeGenerated": "Timestamp", "Timestamp": "TimeGenerated", "ISP": "Isp", "Isp": "ISP"}

// shape returns t with the columns cols: same-named (or aliased) columns are shared, the
// workspace columns the Defender variant lacks get their constant values, TenantId is the
// workspace's customerId.
func shape(t *kql.Table, cols []kql.Column, ws *WorkspaceInfo) *kql.Table {
	out := &kql.Table{Name: t.Name, Cols: cols, Vecs: make([]*exec.Vector, len(cols)), N: t.N}
	for i, c := range cols {
		if c.Name == "TenantId" && ws != nil {
			out.Vecs[i] = exec.ConstVector(c.Type, types.NewString(ws.CustomerID), t.N)
			continue
		}
		j := t.ColumnIndex(c.Name)
		if j < 0 {
			j = t.ColumnIndex(columnAliases[c.Name])
		}
		switch {
		case j >= 0 && t.Cols[j].Type == c.Type:
			out.Vecs[i] = t.Vecs[j]
		case j >= 0:
			v := exec.NewVector(c.Type, t.N)
			for r := 0; r < t.N; r++ {
				v.Append(t.Vecs[j].Get(r))
			}
			out.Vecs[i] = v
		default:
			out.Vecs[i] = exec.ConstVector(c.Type, constantOf(c, t.Name), t.N)
		}
	}
	return out
}

// constantOf is the value of a workspace column the source rows do not carry.
func constantOf(c kql.Column, table string) types.Value {
	switch c.Name {
	case "Type":
		return types.NewString(table)
	case "_IsBillable":
		return types.NewString("True")
	case "SourceSystem":
		return types.NewString("")
	}
	return types.NullOf(c.Type)
}
