package logs

import (
	"fmt"
	"sort"
	"time"

	"github.com/soclab/soclab/simulator"
)

// Collections this package keeps in each tenant's state.
const (
	stateColl = "logs"
	rowsColl  = "logs-rows"

	keyFaults   = "faults"
	keyAttack   = "attack"
	keyRowCount = "rows-count"
)

// AttackState is what the tenant did with the scenario's attack.
type AttackState struct {
	// Launched is set by Launch; before it no attack row is visible.
	Launched bool `json:"launched"`
	// LaunchedAt is the tenant clock when the attack was launched (before any jump).
	LaunchedAt time.Time `json:"launchedAt,omitzero"`
	// Speed is how it was launched: instant, realtime or xN.
	Speed string `json:"speed,omitempty"`
	// Replays are the steps re-emitted since, in order.
	Replays []Replay `json:"replays,omitempty"`
}

// Replay is one re-emission of an attack step at a tenant time.
type Replay struct {
	Step string    `json:"step"`
	At   time.Time `json:"at"`
	// Nonce names the id stream of the replay (new ids, same actor and address).
	Nonce string `json:"nonce"`
}

// storedRow is an appended row as kept in the tenant's state.
type storedRow struct {
	Table  string         `json:"table"`
	Source string         `json:"source"`
	Time   time.Time      `json:"time"`
	Values map[string]any `json:"values"`
}

// tenantState is everything routing reads from one tenant's state, read in one transaction.
type tenantState struct {
	now        time.Time
	tenant     simulator.Tenant
	faults     map[string]bool
	attack     AttackState
	workspaces []workspaceInfo
	settings   []diagSetting
	activities []simulator.Activity
	rows       rowLog
}

// rowLog counts a tenant's appended rows; Epoch changes when the tenant is reset, so caches
// of an earlier life are dropped.
type rowLog struct {
	N     int    `json:"n"`
	Epoch string `json:"epoch"`
}

func readFaults(tx *simulator.TenantTx) (map[string]bool, error) {
	var list []string
	if _, err := tx.GetJSON(stateColl, keyFaults, &list); err != nil {
		return nil, err
	}
	m := map[string]bool{}
	for _, f := range list {
		m[f] = true
	}
	return m, nil
}

func writeFaults(tx *simulator.TenantTx, m map[string]bool) error {
	list := make([]string, 0, len(m))
	for f, on := range m {
		if on {
			list = append(list, f)
		}
	}
	sort.Strings(list)
	return tx.PutJSON(stateColl, keyFaults, list)
}

func readAttack(tx *simulator.TenantTx) (AttackState, error) {
	var a AttackState
	_, err := tx.GetJSON(stateColl, keyAttack, &a)
	return a, err
}

func readRowCount(tx *simulator.TenantTx) (rowLog, error) {
	var n rowLog
	_, err := tx.GetJSON(stateColl, keyRowCount, &n)
	return n, err
}

func rowKey(n int) string { return fmt.Sprintf("%020d", n) }

// readState gathers the routing inputs of a tenant.
func readState(tx *simulator.TenantTx) (*tenantState, error) {
	st := &tenantState{now: tx.Now(), tenant: tx.Tenant()}
	var err error
	if st.faults, err = readFaults(tx); err != nil {
		return nil, err
	}
	if st.attack, err = readAttack(tx); err != nil {
		return nil, err
	}
	if st.rows, err = readRowCount(tx); err != nil {
		return nil, err
	}
	if st.workspaces, err = listWorkspaces(tx); err != nil {
		return nil, err
	}
	if st.settings, err = listSettings(tx); err != nil {
		return nil, err
	}
	if st.activities, err = tx.Activities(); err != nil {
		return nil, err
	}
	return st, nil
}
