package logs

import (
	"slices"
	"strings"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Views built ahead: the prebuild builds a tenant's views of the state it goes to next —
// the launched lab before its launch, the lab's workspace before the tenant creates it — and
// keeps them aside (tenantCache.ahead); the first read in that state takes them. A workspace
// not created yet has no customerId, which only the TenantId column holds: views built ahead
// are signed with aheadCustomer in its place and get the real one when taken.

// aheadCustomer stands for the workspace's customerId in the signature of a view built ahead.
const aheadCustomer = "\x00ahead"

// aheadKey names a view built ahead: the workspace by its ARM id in lower case (the id ARM
// gives the workspace the tenant creates may be spelled otherwise; "" for hunting), the
// table and the launch (launchKey).
type aheadKey struct {
	workspace, table, launch string
}

func aheadKeyOf(d *database, table string) aheadKey {
	k := aheadKey{table: table, launch: d.tc.shared.launchKey(d.st.attack)}
	if d.ws != nil {
		k.workspace = strings.ToLower(d.ws.ID)
	}
	return k
}

// aheadSignature is the signature of table in d as a view built ahead carries it.
func (d *database) aheadSignature(table string) string { return d.signatureFor(table, aheadCustomer) }

// buildAhead builds the view of table in d (a state the tenant will be in) and keeps it
// aside until the tenant reads the table in that state.
func (tc *tenantCache) buildAhead(d *database, table string) error {
	sig := d.aheadSignature(table)
	if tc.aheadFresh(d, table, sig) {
		return nil
	}
	v, err := tc.build(d, table, sig)
	if err != nil {
		return err
	}
	tc.mu.Lock()
	tc.ahead[aheadKeyOf(d, table)] = v
	tc.mu.Unlock()
	return nil
}

// aheadFresh reports whether the view kept aside for table in d has signature sig (d's
// aheadSignature).
func (tc *tenantCache) aheadFresh(d *database, table, sig string) bool {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	v, ok := tc.ahead[aheadKeyOf(d, table)]
	return ok && v.sig == sig
}

// takeAhead stores and returns the view built ahead for table in d when it was built for
// d's state (sig is d's signature of table): with the workspace's customerId as TenantId.
func (tc *tenantCache) takeAhead(d *database, table, sig string) (*view, bool) {
	tc.mu.Lock()
	empty := len(tc.ahead) == 0
	tc.mu.Unlock()
	if empty {
		return nil, false
	}
	asig := d.aheadSignature(table) // outside tc.mu: the signature counts the table's rows under it
	k := aheadKeyOf(d, table)
	tc.mu.Lock()
	defer tc.mu.Unlock()
	v, ok := tc.ahead[k]
	if !ok || v.sig != asig {
		return nil, false
	}
	delete(tc.ahead, k)
	out := &view{t: v.t, ingest: v.ingest, sig: sig}
	if d.ws != nil {
		out.t = withTenantID(v.t, d.ws.CustomerID)
	}
	tc.views[tc.viewKey(d, table)] = out
	return out, true
}

// withTenantID is t with a constant TenantId column (t itself when it has none).
func withTenantID(t *kql.Table, customer string) *kql.Table {
	i := t.ColumnIndex("TenantId")
	if i < 0 || t.Cols[i].Type != types.String {
		return t
	}
	out := &kql.Table{Name: t.Name, Cols: t.Cols, Vecs: slices.Clone(t.Vecs), N: t.N}
	out.Vecs[i] = exec.ConstVector(types.String, types.NewString(customer), t.N)
	return out
}

// dropAhead forgets the views kept aside (the tenant launched: those not taken are stale).
func (tc *tenantCache) dropAhead() {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if len(tc.ahead) > 0 {
		tc.ahead = map[aheadKey]*view{}
	}
}
