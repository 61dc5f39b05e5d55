package detect

import (
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// stateColl is the tenant collection holding each rule's run state.
const stateColl = "detect"

// ruleState is what the engine remembers about a rule between runs.
type ruleState struct {
	// LastRun is the scheduled time of the rule's last run.
	LastRun time.Time `json:"lastRun,omitzero"`
	// SuppressedUntil: no alerts before this time (suppression after an alert).
	SuppressedUntil time.Time `json:"suppressedUntil,omitzero"`
	// Seen are the hashes of the previous NRT run's result rows.
	Seen []uint64 `json:"seen,omitempty"`
	// Groups are the incidents the rule's alerts may still join (grouping).
	Groups []group `json:"groups,omitempty"`
	// Failures counts the consecutive runs of the rule version FailedEtag that failed with
	// FailReason; a success, another reason or another version starts again.
	Failures   int    `json:"failures,omitempty"`
	FailReason string `json:"failReason,omitempty"`
	FailedEtag string `json:"failedEtag,omitempty"`
	// DisabledEtag is the etag the engine gave the rule when it auto-disabled it; Noticed
	// says the "disabled and was not executed" health row of that version is written.
	DisabledEtag string `json:"disabledEtag,omitempty"`
	Noticed      bool   `json:"noticed,omitempty"`

	// disabledNow: auto-disabled during the current Advance (its later runs are dropped).
	disabledNow bool
}

// autoDisabled reports whether r is the version of the rule the engine auto-disabled.
func (st *ruleState) autoDisabled(r *sentinel.AlertRule) bool {
	return st.DisabledEtag != "" && st.DisabledEtag == r.Etag
}

// group is an incident of the rule that later alerts may join.
type group struct {
	Incident string    `json:"incident"`
	Created  time.Time `json:"created"`
	Key      string    `json:"key"`
	Alerts   int       `json:"alerts"`
}

func stateKey(ruleID string) string { return "rule/" + strings.ToLower(ruleID) }

func loadState(tx *simulator.TenantTx, ruleID string) (*ruleState, error) {
	st := &ruleState{}
	if _, err := tx.GetJSON(stateColl, stateKey(ruleID), st); err != nil {
		return nil, err
	}
	return st, nil
}

// saveStates writes every rule's state in one transaction.
func saveStates(w *simulator.World, tenantID string, states map[string]*ruleState) error {
	err := w.Update(tenantID, func(tx *simulator.TenantTx) error {
		for id, st := range states {
			if err := tx.PutJSON(stateColl, stateKey(id), st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("detect: save rule states: %w", err)
	}
	return nil
}

// output collects what a batch of runs writes into the workspace tables: health records
// (kept by the health log) and SecurityAlert/SecurityIncident rows (appended).
type output struct {
	health            healthBatch
	ruleIdx           map[string]int
	alerts, incidents []logs.Row
}

// addHealth records one run's health.
func (o *output) addHealth(h *health) {
	if o.ruleIdx == nil {
		o.ruleIdx = map[string]int{}
	}
	key := h.r.rule.ID + "|" + h.r.rule.Etag // an auto-disabled rule changes its name
	i, ok := o.ruleIdx[key]
	if !ok {
		i = len(o.health.Rules)
		o.health.Rules = append(o.health.Rules, infoOf(h.r))
		o.ruleIdx[key] = i
	}
	h.rec.Rule = i
	o.health.Recs = append(o.health.Recs, h.rec)
}

// flush writes the collected records and rows (one transaction each).
func (o *output) flush(hl *healthLog, le *logs.Engine, tenantID string) error {
	if err := hl.write(tenantID, &o.health); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		rows []logs.Row
	}{{"SecurityAlert", o.alerts}, {"SecurityIncident", o.incidents}} {
		if len(t.rows) == 0 {
			continue
		}
		if err := le.Append(tenantID, t.name, t.rows...); err != nil {
			return fmt.Errorf("detect: %w", err)
		}
	}
	*o = output{}
	return nil
}
