package containment

import (
	"time"

	"github.com/soclab/soclab/simulator"
)

// Where the engine keeps its progress in each tenant's state (dropped by a reset with the rest).
const (
	stateColl   = "containment"
	keyProgress = "progress"
	keyResults  = "results"
)

// Result is what happened to one item of the attacker's return.
type Result struct {
	// Key names the item: "session-0", "password-1", "spray-2-7" (attempt 2, try 7), "follow-up".
	Key string `json:"key"`
	// At is the item's lab time.
	At time.Time `json:"at"`
	// Kind is the attempt's kind in the scenario (session, password, spray) or "follow-up".
	Kind string `json:"kind"`
	// UPN and IP are the account and address tried (empty for the follow-up).
	UPN string `json:"upn,omitempty"`
	IP  string `json:"ip,omitempty"`
	// ErrorCode is the verdict's code (0: signed in); ConditionalAccessStatus its CA status.
	ErrorCode               int    `json:"errorCode"`
	ConditionalAccessStatus string `json:"conditionalAccessStatus,omitempty"`
	// Played is, for the follow-up, whether the attacker was in to do it.
	Played bool `json:"played,omitempty"`
}

// progress is how far a tenant is through the plan, stored with the rows it produced (small:
// the ticker reads it for every tenant; the results are kept beside it).
type progress struct {
	// Done counts the plan's items materialised, in plan order.
	Done int `json:"done"`
	// VictimIn is set once an attempt of the victim signed in.
	VictimIn bool `json:"victimIn,omitempty"`
}

func readProgress(tx *simulator.TenantTx) (progress, error) {
	var p progress
	_, err := tx.GetJSON(stateColl, keyProgress, &p)
	return p, err
}

func readResults(tx *simulator.TenantTx) ([]Result, error) {
	var r []Result
	_, err := tx.GetJSON(stateColl, keyResults, &r)
	return r, err
}
