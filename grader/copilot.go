package grader

import (
	"fmt"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/copilot"
)

// CopilotState is what Task 4 and break-and-fix 2 are graded on: the intents Security Copilot
// answered with success, per session and in all, and which plugins are connected.
type CopilotState struct {
	// BestSession is the session whose successful answers cover the most intents.
	BestSession CopilotSession `json:"bestSession"`
	// Answered are the intents answered with success in any session.
	Answered []string `json:"answered"`
	// Connected are the ids of the connected plugins (defender, sentinel).
	Connected []string `json:"connected"`
}

// CopilotSession is a session with the distinct intents it got successful answers for.
type CopilotSession struct {
	ID      string   `json:"id,omitempty"`
	Intents []string `json:"intents"`
}

// copilotSnapshot reads the tenant's Copilot sessions in tx; plugins come from the service
// (which applies the break-and-fix fault as Copilot reads them).
func copilotSnapshot(tx *simulator.TenantTx, plugins []copilot.Plugin) (CopilotState, error) {
	st := CopilotState{BestSession: CopilotSession{Intents: []string{}}, Answered: []string{}, Connected: []string{}}
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
	return st, nil
}
