package copilot

import (
	"context"
	"fmt"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// Asked is one question asked in a session and its evaluation.
type Asked struct {
	Session    Session
	Prompt     Prompt
	Evaluation View
}

// Ask asks a prompt as the CLI does, as the tenant's analyst (Analyst); owner names the new
// session's owner.
func (s *Service) Ask(ctx context.Context, tenantID, sessionID, prompt, owner string) (Asked, error) {
	t, err := s.World().TenantByID(tenantID)
	if err != nil {
		return Asked{}, err
	}
	return s.AskAs(ctx, tenantID, sessionID, prompt, owner, Analyst(t))
}

// AskAs asks a prompt on behalf of c: in the session (a new one named after the prompt when
// sessionID is ""), answered at once; the evaluation is stored completed (its polls counted
// as done), so the Graph API shows the same session, prompt and answer.
func (s *Service) AskAs(ctx context.Context, tenantID, sessionID, prompt, owner string, c Caller) (Asked, error) {
	prompt = strings.TrimSpace(prompt)
	if prompt == "" {
		return Asked{}, fmt.Errorf("copilot: the prompt is empty")
	}
	if sessionID != "" {
		if err := s.World().View(tenantID, func(tx *simulator.TenantTx) error { _, err := GetSession(tx, sessionID); return err }); err != nil {
			return Asked{}, err
		}
	}
	res, err := s.AnswerAs(ctx, tenantID, c, prompt)
	if err != nil {
		return Asked{}, err
	}
	var out Asked
	err = s.World().Update(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		if sessionID == "" {
			if out.Session, err = CreateSession(tx, sessionName(prompt), owner); err != nil {
				return err
			}
		} else if out.Session, err = GetSession(tx, sessionID); err != nil {
			return err
		}
		if out.Prompt, err = CreatePrompt(tx, out.Session.ID, "prompt", prompt); err != nil {
			return err
		}
		e := Evaluation{ID: simulator.NewGUID(), SessionID: out.Session.ID, PromptID: out.Prompt.ID, Created: tx.Now().UTC(), Polls: 2, Answer: res}
		out.Evaluation = e.ViewAt(e.Created)
		return PutEvaluation(tx, e)
	})
	return out, err
}

// sessionName is a new session's name: the prompt's first words.
func sessionName(prompt string) string {
	if r := []rune(prompt); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return prompt
}

// SessionSummary is a session with its prompt count, for listings.
type SessionSummary struct {
	Session
	Prompts int `json:"prompts"`
}

// ListSessions lists a tenant's sessions with their prompt counts.
func (s *Service) ListSessions(tenantID string) ([]SessionSummary, error) {
	var out []SessionSummary
	err := s.World().View(tenantID, func(tx *simulator.TenantTx) error {
		ss, err := Sessions(tx)
		if err != nil {
			return err
		}
		for _, se := range ss {
			ps, err := Prompts(tx, se.ID)
			if err != nil {
				return err
			}
			out = append(out, SessionSummary{Session: se, Prompts: len(ps)})
		}
		return nil
	})
	return out, err
}
