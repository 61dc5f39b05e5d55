package grader

import (
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/querylog"
)

// CopilotState is what Task 4 and break-and-fix 2 are graded on: the intents Security Copilot
// answered with success, per session and in all, which plugins are connected, whether the KQL
// Copilot wrote was run on the workspace and whether the analyst may read Defender XDR.
type CopilotState struct {
	// BestSession is the session whose successful answers cover the most intents.
	BestSession CopilotSession `json:"bestSession"`
	// Answered are the intents answered with success in any session.
	Answered []string `json:"answered"`
	// Connected are the ids of the connected plugins (defender, sentinel).
	Connected []string `json:"connected"`
	// KQL is the query of the last NL → KQL answer and whether the analyst ran it.
	KQL CopilotKQL `json:"kql"`
	// DefenderRole: the tenant's analyst (the account the learner asks as) holds a Microsoft
	// Entra role that can read Defender XDR (break and fix 2's role cause).
	DefenderRole bool `json:"defenderRole"`
	// AnalystRoles are the analyst's directory roles.
	AnalystRoles []string `json:"analystRoles"`
}

// CopilotKQL is Task 4 prompt 5's query: the one Copilot proposed that the query log shows run
// on a workspace, else the last one it proposed (a copy reflowed, or with operators added after
// it, counts; Copilot's own run of it does not).
type CopilotKQL struct {
	Proposed string `json:"proposed,omitempty"`
	Ran      bool   `json:"ran"`
	// RunAt is the tenant time of the run, Face how (loganalytics, soclab-kql).
	RunAt *time.Time `json:"runAt,omitempty"`
	Face  string     `json:"face,omitempty"`
}

// CopilotSession is a session with the distinct intents it got successful answers for.
type CopilotSession struct {
	ID      string   `json:"id,omitempty"`
	Intents []string `json:"intents"`
}

// copilotSnapshot reads the tenant's Copilot sessions, query log and analyst's roles in tx;
// plugins come from the service (which applies the break-and-fix faults as Copilot reads them).
func copilotSnapshot(tx *simulator.TenantTx, plugins []copilot.Plugin, base *identity.Base) (CopilotState, error) {
	st := CopilotState{BestSession: CopilotSession{Intents: []string{}}, Answered: []string{}, Connected: []string{}, AnalystRoles: []string{}}
	var lastKQL time.Time
	var proposed []string
	sessions, err := copilot.Sessions(tx)
	if err != nil {
		return st, fmt.Errorf("copilot sessions: %w", err)
	}
	all := set{}
	for _, s := range sessions {
		intents := set{}
		prompts, err := copilot.Prompts(tx, s.ID)
		if err != nil {
			return st, fmt.Errorf("copilot prompts of %s: %w", s.ID, err)
		}
		for _, p := range prompts {
			evals, err := copilot.Evaluations(tx, s.ID, p.ID)
			if err != nil {
				return st, fmt.Errorf("copilot evaluations of %s: %w", p.ID, err)
			}
			for _, e := range evals {
				if e.Answer.Type == "success" && e.Answer.Grounded() && e.Answer.Intent != copilot.IntentUnknown {
					intents.add(string(e.Answer.Intent))
					all.add(string(e.Answer.Intent))
				}
				if e.Answer.Query != "" {
					proposed = append(proposed, e.Answer.Query)
					if !e.Created.Before(lastKQL) {
						st.KQL.Proposed, lastKQL = e.Answer.Query, e.Created
					}
				}
			}
		}
		if len(intents) > len(st.BestSession.Intents) {
			st.BestSession = CopilotSession{ID: s.ID, Intents: intents.sorted()}
		}
	}
	st.Answered = all.sorted()
	for _, p := range plugins {
		if p.Connected {
			st.Connected = append(st.Connected, p.ID)
		}
	}
	if len(proposed) > 0 {
		runs, err := querylog.List(tx)
		if err != nil {
			return st, err
		}
		for _, q := range proposed { // any query Copilot proposed counts once run
			if e, ok := querylog.Ran(runs, q); ok {
				at := e.At
				st.KQL.Proposed, st.KQL.Ran, st.KQL.RunAt, st.KQL.Face = q, true, &at, e.Face
				break
			}
		}
	}
	d, err := identity.Load(tx, base, tx.Now())
	if err != nil {
		return st, fmt.Errorf("copilot: directory: %w", err)
	}
	analyst := copilot.Analyst(tx.Tenant())
	if u := d.UserByKey(analyst.ObjectID); u != nil {
		for _, r := range d.UserRoles(u.ID) {
			st.AnalystRoles = append(st.AnalystRoles, r.DisplayName)
			if _, ok := copilot.DefenderRoles[strings.ToLower(r.TemplateID)]; ok {
				st.DefenderRole = true
			}
		}
	}
	return st, nil
}
