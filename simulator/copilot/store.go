package copilot

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// coll is the tenant collection of sessions, prompts and evaluations.
const coll = "copilot"

// EvalDuration is how long (tenant time) an evaluation runs before it is completed.
const EvalDuration = 2 * time.Second

// Evaluation states, as Graph spells them.
const (
	StateCreated   = "created"
	StateRunning   = "running"
	StateCompleted = "completed"
)

// ErrNotFound is an unknown session, prompt or evaluation of the tenant.
var ErrNotFound = errors.New("copilot: not found")

// Session is a Security Copilot session.
type Session struct {
	ID           string    `json:"id"`
	DisplayName  string    `json:"displayName"`
	Created      time.Time `json:"created"`
	LastModified time.Time `json:"lastModified"`
	// Owner is the caller that created it (UPN or app id).
	Owner string `json:"owner"`
}

// Prompt is a prompt of a session.
type Prompt struct {
	ID           string    `json:"id"`
	SessionID    string    `json:"sessionId"`
	Type         string    `json:"type"`
	Content      string    `json:"content"`
	Created      time.Time `json:"created"`
	LastModified time.Time `json:"lastModified"`
}

// Result is an evaluation's result (Graph evaluationResult).
type Result struct {
	Content string `json:"content"`
	// Type is success, error or rejected.
	Type string `json:"type"`
	// Intent is what the prompt was understood as (not in Graph's shape).
	Intent Intent `json:"intent"`
	// Outcome is answered, refused or clarify ("" in evaluations stored before it: answered).
	Outcome string `json:"outcome,omitempty"`
	// Query is the KQL an NL → KQL answer proposes (graded: was it run on the workspace?), and
	// KQLTemplate the template it came from.
	Query       string `json:"query,omitempty"`
	KQLTemplate string `json:"kqlTemplate,omitempty"`
	// Sources are what the answer cites (also listed at the end of Content).
	Sources []string `json:"sources,omitempty"`
}

// Outcomes of an answer.
const (
	OutcomeAnswered = "answered"
	OutcomeRefused  = "refused"
	OutcomeClarify  = "clarify"
)

// Grounded reports whether the answer answered the question (not a refusal or a question back).
func (r Result) Grounded() bool { return r.Outcome == "" || r.Outcome == OutcomeAnswered }

// Evaluation is a prompt's evaluation; its answer is computed at creation.
type Evaluation struct {
	ID        string    `json:"id"`
	SessionID string    `json:"sessionId"`
	PromptID  string    `json:"promptId"`
	Created   time.Time `json:"created"`
	Polls     int       `json:"polls"`
	Answer    Result    `json:"answer"`
}

// View is an evaluation as it reads at a tenant time.
type View struct {
	Evaluation
	State          string
	RunStart       time.Time // zero until running
	Completed      time.Time // zero until completed
	LastModified   time.Time
	ExecutionCount int
	// Result is nil until completed.
	Result *Result
}

// ViewAt derives the evaluation's state at now.
func (e Evaluation) ViewAt(now time.Time) View {
	v := View{Evaluation: e, State: StateCreated, LastModified: e.Created}
	done := e.Created.Add(EvalDuration)
	switch {
	case !now.Before(done) || e.Polls >= 2:
		v.State, v.RunStart, v.Completed, v.LastModified, v.ExecutionCount = StateCompleted, e.Created, done, done, 1
		r := e.Answer
		v.Result = &r
	case e.Polls >= 1:
		v.State, v.RunStart, v.LastModified, v.ExecutionCount = StateRunning, e.Created, e.Created, 1
	}
	return v
}

func sessionKey(id string) string { return "s/" + strings.ToLower(id) }
func promptKey(sid, pid string) string {
	return "p/" + strings.ToLower(sid) + "/" + strings.ToLower(pid)
}
func evalKey(sid, pid, eid string) string {
	return "e/" + strings.ToLower(sid) + "/" + strings.ToLower(pid) + "/" + strings.ToLower(eid)
}

// CreateSession stores a new session.
func CreateSession(tx *simulator.TenantTx, displayName, owner string) (Session, error) {
	now := tx.Now().UTC()
	s := Session{ID: simulator.NewGUID(), DisplayName: displayName, Created: now, LastModified: now, Owner: owner}
	return s, tx.PutJSON(coll, sessionKey(s.ID), s)
}

// GetSession reads a session (ErrNotFound if unknown).
func GetSession(tx *simulator.TenantTx, id string) (Session, error) {
	var s Session
	ok, err := tx.GetJSON(coll, sessionKey(id), &s)
	if err == nil && !ok {
		err = fmt.Errorf("%w: session %q", ErrNotFound, id)
	}
	return s, err
}

// Sessions lists the tenant's sessions, oldest first.
func Sessions(tx *simulator.TenantTx) ([]Session, error) {
	return scan[Session](tx, "s/", func(a, b Session) bool {
		return a.Created.Before(b.Created) || a.Created.Equal(b.Created) && a.ID < b.ID
	})
}

// CreatePrompt stores a prompt in a session.
func CreatePrompt(tx *simulator.TenantTx, sessionID, typ, content string) (Prompt, error) {
	s, err := GetSession(tx, sessionID)
	if err != nil {
		return Prompt{}, err
	}
	now := tx.Now().UTC()
	p := Prompt{ID: simulator.NewGUID(), SessionID: s.ID, Type: typ, Content: content, Created: now, LastModified: now}
	if err := tx.PutJSON(coll, promptKey(s.ID, p.ID), p); err != nil {
		return Prompt{}, err
	}
	s.LastModified = now
	return p, tx.PutJSON(coll, sessionKey(s.ID), s)
}

// GetPrompt reads a prompt of a session.
func GetPrompt(tx *simulator.TenantTx, sessionID, promptID string) (Prompt, error) {
	var p Prompt
	ok, err := tx.GetJSON(coll, promptKey(sessionID, promptID), &p)
	if err == nil && !ok {
		err = fmt.Errorf("%w: prompt %q", ErrNotFound, promptID)
	}
	return p, err
}

// Prompts lists a session's prompts, oldest first.
func Prompts(tx *simulator.TenantTx, sessionID string) ([]Prompt, error) {
	if _, err := GetSession(tx, sessionID); err != nil {
		return nil, err
	}
	return scan[Prompt](tx, "p/"+strings.ToLower(sessionID)+"/", func(a, b Prompt) bool {
		return a.Created.Before(b.Created) || a.Created.Equal(b.Created) && a.ID < b.ID
	})
}

// PutEvaluation stores an evaluation (new or polled).
func PutEvaluation(tx *simulator.TenantTx, e Evaluation) error {
	return tx.PutJSON(coll, evalKey(e.SessionID, e.PromptID, e.ID), e)
}

// GetEvaluation reads an evaluation.
func GetEvaluation(tx *simulator.TenantTx, sessionID, promptID, evalID string) (Evaluation, error) {
	var e Evaluation
	ok, err := tx.GetJSON(coll, evalKey(sessionID, promptID, evalID), &e)
	if err == nil && !ok {
		err = fmt.Errorf("%w: evaluation %q", ErrNotFound, evalID)
	}
	return e, err
}

// Evaluations lists a prompt's evaluations, oldest first.
func Evaluations(tx *simulator.TenantTx, sessionID, promptID string) ([]Evaluation, error) {
	if _, err := GetPrompt(tx, sessionID, promptID); err != nil {
		return nil, err
	}
	return scan[Evaluation](tx, "e/"+strings.ToLower(sessionID)+"/"+strings.ToLower(promptID)+"/", func(a, b Evaluation) bool {
		return a.Created.Before(b.Created) || a.Created.Equal(b.Created) && a.ID < b.ID
	})
}

func scan[T any](tx *simulator.TenantTx, prefix string, less func(a, b T) bool) ([]T, error) {
	var out []T
	err := tx.Scan(coll, prefix, func(_ string, raw []byte) error {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out, err
}
