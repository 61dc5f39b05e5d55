package identity

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/soclab/soclab/simulator"
)

// coll is the tenant collection of the learner's directory writes.
const coll = "identity"

// Event kinds of the write log.
const (
	evUserUpdate     = "user.update"     // Body: the changed properties (accountEnabled, ...)
	evUserPassword   = "user.password"   // password reset by an administrator
	evUserRevoke     = "user.revoke"     // revokeSignInSessions
	evUserDelete     = "user.delete"     // DELETE /users/{id}
	evRoleAssign     = "role.assign"     // Body: the assignment
	evRoleUnassign   = "role.unassign"   // Target: the assignment id
	evLocationPut    = "location.put"    // Body: the whole named location
	evLocationDelete = "location.delete" // Target: its id
	evPolicyPut      = "policy.put"      // Body: the whole policy
	evPolicyDelete   = "policy.delete"   // Target: its id
	evRiskSet        = "risk.set"        // Body: riskState, riskLevel, riskDetail
)

// event is one learner write, stamped with the tenant clock of its transaction.
type event struct {
	Seq    int            `json:"seq"`
	At     time.Time      `json:"at"`
	Kind   string         `json:"kind"`
	Target string         `json:"target"`
	Body   map[string]any `json:"body,omitempty"`
}

type eventCounter struct {
	N int `json:"n"`
}

// readEvents returns the write log in order.
func readEvents(tx *simulator.TenantTx) ([]event, error) {
	var out []event
	err := tx.Scan(coll, "ev/", func(key string, value []byte) error {
		var e event
		if err := json.Unmarshal(value, &e); err != nil {
			return fmt.Errorf("identity: decode %s: %w", key, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// appendEvents stores events after the last one, stamped with the transaction's clock.
func appendEvents(tx *simulator.TenantTx, evs []event) error {
	var c eventCounter
	if _, err := tx.GetJSON(coll, "seq", &c); err != nil {
		return err
	}
	for _, e := range evs {
		c.N++
		e.Seq, e.At = c.N, tx.Now().UTC()
		if err := tx.PutJSON(coll, fmt.Sprintf("ev/%012d", c.N), e); err != nil {
			return err
		}
	}
	return tx.PutJSON(coll, "seq", c)
}
