package containment_test

import (
	"net/netip"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
)

// fakeDirectory is the test's stand-in for the identity plane: the containment a learner did,
// stored in the tenant's state (so it is per tenant and read in the engine's transaction), and
// rules shaped like Entra's. It records every attempt it is asked about.
type fakeDirectory struct {
	mu    sync.Mutex
	calls []containment.Attempt
}

// containmentDone is what a learner did, with the lab time of each action.
type containmentDone struct {
	RevokedAt  time.Time `json:"revokedAt,omitzero"`
	ResetAt    time.Time `json:"resetAt,omitzero"`
	DisabledAt time.Time `json:"disabledAt,omitzero"`
	// Blocked are the named locations a Conditional Access block policy targets, from BlockAt.
	Blocked []string  `json:"blocked,omitempty"`
	BlockAt time.Time `json:"blockAt,omitzero"`
}

const fakeColl = "fake-directory"

func writeContainment(w *simulator.World, tenantID string, c containmentDone) error {
	return w.Update(tenantID, func(tx *simulator.TenantTx) error { return tx.PutJSON(fakeColl, "state", c) })
}

var blockPolicy = containment.AppliedPolicy{ID: "0b5e4b1c-6a7e-4f1d-9c4e-2f0c7a1d3e55", DisplayName: "Block attacker locations"}

func (d *fakeDirectory) Evaluate(tx *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
	d.mu.Lock()
	d.calls = append(d.calls, a)
	d.mu.Unlock()
	var c containmentDone
	if _, err := tx.GetJSON(fakeColl, "state", &c); err != nil {
		return containment.Verdict{}, err
	}
	// The user actions (revoke, reset, disable) are on the victim; the block is tenant-wide.
	victim := a.UPN == "alex.johnson@contoso.com"
	done := func(t time.Time) bool { return !t.IsZero() && !t.After(a.At) }
	mine := func(t time.Time) bool { return victim && done(t) }
	switch {
	case mine(c.DisabledAt):
		return containment.Verdict{ErrorCode: 50057, FailureReason: "The user account is disabled.", ConditionalAccessStatus: "notApplied"}, nil
	case a.Kind == containment.Password && (a.CredentialTime.IsZero() || mine(c.ResetAt) && c.ResetAt.After(a.CredentialTime)):
		return containment.Verdict{ErrorCode: 50126, ConditionalAccessStatus: "notApplied"}, nil
	case a.Kind == containment.RefreshToken && (mine(c.RevokedAt) && c.RevokedAt.After(a.CredentialTime) || mine(c.ResetAt) && c.ResetAt.After(a.CredentialTime)):
		return containment.Verdict{ErrorCode: 50173, ConditionalAccessStatus: "notApplied"}, nil
	}
	p := blockPolicy
	p.EnforcedGrantControls = []string{"Block"}
	p.Result = "notApplied"
	if done(c.BlockAt) {
		ip := netip.MustParseAddr(a.IP)
		for _, cidr := range c.Blocked {
			if netip.MustParsePrefix(cidr).Contains(ip) {
				p.Result = "failure"
				return containment.Verdict{ErrorCode: 53003, ConditionalAccessStatus: "failure",
					AppliedPolicies: []containment.AppliedPolicy{p}}, nil
			}
		}
		return containment.Verdict{ConditionalAccessStatus: "success", AppliedPolicies: []containment.AppliedPolicy{p}}, nil
	}
	return containment.Verdict{}, nil
}

func (d *fakeDirectory) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.calls)
}
