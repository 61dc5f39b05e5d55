package copilot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
)

// Promptbook is a named sequence of prompts with inputs (<name> placeholders), run in order in
// one session.
type Promptbook struct {
	ID, Name, Description string
	// Inputs are the placeholders with their defaults ("" for one the run must find or be given).
	Inputs  map[string]string
	Prompts []string
}

// LabPromptbookID is the lab's promptbook: Task 4's six prompts.
const LabPromptbookID = "soclab-task4-investigation"

// Promptbooks are the tenant's promptbooks (the lab ships one).
var Promptbooks = []Promptbook{{
	ID:          LabPromptbookID,
	Name:        "Investigate a compromised account (Task 4)",
	Description: "The lab's six prompts: incident summary, user risk, threat intelligence, blast radius, KQL for the range, containment.",
	Inputs:      map[string]string{"incident": "", "user": labUser, "ip": attackerIP, "range": attackerRange},
	Prompts: []string{
		"Summarise Defender XDR incident <incident>: its alerts, entities and timeline, each step mapped to MITRE ATT&CK.",
		"What is the risk profile of <user>: recent sign-ins, risk detections, groups, privileged roles, past incidents?",
		"Enrich the IP address <ip> with threat intelligence.",
		"Which Azure resources could <user> reach, which secrets were read, which storage was touched? Estimate the blast radius.",
		"Write a KQL query for Sentinel that finds sign-ins from <range> for all accounts over the last 30 days.",
		"Give containment and remediation steps for <user> in priority order.",
	},
}}

// ErrUnknownPromptbook is a promptbook id the tenant does not have.
var ErrUnknownPromptbook = errors.New("copilot: unknown promptbook")

// ErrBadInput is a promptbook input that is unknown or missing.
var ErrBadInput = errors.New("copilot: bad promptbook input")

// PromptbookByID finds a promptbook (by id or name, case-insensitive).
func PromptbookByID(id string) (Promptbook, error) {
	for _, p := range Promptbooks {
		if strings.EqualFold(p.ID, id) || strings.EqualFold(p.Name, id) {
			return p, nil
		}
	}
	return Promptbook{}, fmt.Errorf("%w %q (the lab has %s)", ErrUnknownPromptbook, id, LabPromptbookID)
}

// PromptbookResult is one prompt of a run and its completed evaluation.
type PromptbookResult struct {
	PromptID     string `json:"promptId"`
	EvaluationID string `json:"evaluationId"`
	Prompt       string `json:"prompt"`
	Result
}

// PromptbookRun is a promptbook run: its session and each prompt's result, in order.
type PromptbookRun struct {
	PromptbookID string             `json:"promptbookId"`
	SessionID    string             `json:"sessionId"`
	Inputs       map[string]string  `json:"inputs"`
	Results      []PromptbookResult `json:"results"`
}

// runRecord is kept under "b/<session>": which promptbook ran in the session, with its inputs.
type runRecord struct {
	PromptbookID string            `json:"promptbookId"`
	Inputs       map[string]string `json:"inputs"`
	PromptIDs    []string          `json:"promptIds"`
}

func runKey(sid string) string { return "b/" + strings.ToLower(sid) }

// RunPromptbook runs a promptbook on behalf of c: its inputs are the defaults overridden by
// inputs (the incident defaults to the newest live Defender XDR incident of the input user);
// each prompt is asked in order in the session (a new one named after the promptbook when
// sessionID is ""), answered and kept like any other prompt, and the run is recorded with the
// session (PromptbookRunOf reads it back).
func (s *Service) RunPromptbook(ctx context.Context, tenantID, id string, inputs map[string]string, sessionID string, c Caller) (PromptbookRun, error) {
	pb, err := PromptbookByID(id)
	if err != nil {
		return PromptbookRun{}, err
	}
	in := map[string]string{}
	for k, v := range pb.Inputs {
		in[k] = v
	}
	for k, v := range inputs {
		key := strings.ToLower(strings.TrimSpace(k))
		if _, ok := pb.Inputs[key]; !ok {
			return PromptbookRun{}, fmt.Errorf("%w: %q is not an input of %s (inputs: %s)", ErrBadInput, k, pb.ID, strings.Join(inputNames(pb), ", "))
		}
		if strings.TrimSpace(v) == "" || strings.ContainsAny(v, "<>\n") {
			return PromptbookRun{}, fmt.Errorf("%w: %s must be a value on one line", ErrBadInput, key)
		}
		in[key] = strings.TrimSpace(v)
	}
	if _, ok := in["incident"]; ok && in["incident"] == "" {
		incs, err := s.incidentsOf(tenantID, in["user"])
		if err != nil {
			return PromptbookRun{}, err
		}
		if len(incs) == 0 {
			return PromptbookRun{}, fmt.Errorf("%w: no Defender XDR incident involves %s yet: give the incident input", ErrBadInput, in["user"])
		}
		sort.Slice(incs, func(i, j int) bool { return incs[i].ID > incs[j].ID })
		in["incident"] = fmt.Sprint(incs[0].ID)
	}
	run := PromptbookRun{PromptbookID: pb.ID, SessionID: sessionID, Inputs: in}
	if run.SessionID == "" {
		if err := s.World().Update(tenantID, func(tx *simulator.TenantTx) error {
			se, err := CreateSession(tx, "Promptbook: "+pb.Name, c.String())
			run.SessionID = se.ID
			return err
		}); err != nil {
			return PromptbookRun{}, err
		}
	}
	rec := runRecord{PromptbookID: pb.ID, Inputs: in}
	for _, tmpl := range pb.Prompts {
		prompt := tmpl
		for k, v := range in {
			prompt = strings.ReplaceAll(prompt, "<"+k+">", v)
		}
		a, err := s.AskAs(ctx, tenantID, run.SessionID, prompt, c.String(), c)
		if err != nil {
			return run, fmt.Errorf("copilot: promptbook %s: %w", pb.ID, err)
		}
		run.Results = append(run.Results, PromptbookResult{PromptID: a.Prompt.ID, EvaluationID: a.Evaluation.ID, Prompt: prompt, Result: *a.Evaluation.Result})
		rec.PromptIDs = append(rec.PromptIDs, a.Prompt.ID)
	}
	err = s.World().Update(tenantID, func(tx *simulator.TenantTx) error { return tx.PutJSON(coll, runKey(run.SessionID), rec) })
	return run, err
}

// PromptbookRunOf reads back the promptbook run kept with a session (ErrNotFound if none ran in it).
func (s *Service) PromptbookRunOf(tenantID, sessionID string) (PromptbookRun, error) {
	var run PromptbookRun
	err := s.World().View(tenantID, func(tx *simulator.TenantTx) error {
		se, err := GetSession(tx, sessionID)
		if err != nil {
			return err
		}
		var rec runRecord
		ok, err := tx.GetJSON(coll, runKey(se.ID), &rec)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: no promptbook ran in session %q", ErrNotFound, sessionID)
		}
		run = PromptbookRun{PromptbookID: rec.PromptbookID, SessionID: se.ID, Inputs: rec.Inputs}
		for _, pid := range rec.PromptIDs {
			p, err := GetPrompt(tx, se.ID, pid)
			if err != nil {
				return err
			}
			es, err := Evaluations(tx, se.ID, pid)
			if err != nil || len(es) == 0 {
				return fmt.Errorf("copilot: evaluation of prompt %s: %w", pid, err)
			}
			e := es[len(es)-1]
			run.Results = append(run.Results, PromptbookResult{PromptID: pid, EvaluationID: e.ID, Prompt: p.Content, Result: e.Answer})
		}
		return nil
	})
	return run, err
}

func inputNames(pb Promptbook) []string {
	var out []string
	for k := range pb.Inputs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
