package copilot

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// The Logic Apps / Power Automate connector "Microsoft Security Copilot" (managed API
// securitycopilot, api-surface §9.2): its two actions' bodies, with the key casing of the
// public playbooks (Logic Apps reads outputs case-insensitively).

// ProcessPromptInput is the body of "Submit a Security Copilot prompt" (POST /process-prompt).
type ProcessPromptInput struct {
	PromptContent string `json:"PromptContent"`
	// SessionId continues a session ("" = a new one).
	SessionId string `json:"SessionId,omitempty"`
	// Skillsets are the plugins to enable; the lab's answers use the tenant's connected ones.
	Skillsets []string `json:"Skillsets,omitempty"`
	// SkillName and SkillInputs call one skill directly: not in the lab.
	SkillName   string         `json:"SkillName,omitempty"`
	SkillInputs map[string]any `json:"SkillInputs,omitempty"`
}

// SkillSource is a source an answer cites.
type SkillSource struct {
	DisplayName string `json:"displayName"`
}

// ProcessPromptOutput is the action's outputs.
type ProcessPromptOutput struct {
	EvaluationResultContent string        `json:"EvaluationResultContent"`
	EvaluationResultType    string        `json:"EvaluationResultType"`
	SessionId               string        `json:"SessionId"`
	PromptId                string        `json:"PromptId"`
	SkillName               string        `json:"SkillName"`
	SkillSources            []SkillSource `json:"SkillSources"`
}

// RunPromptbookInput is the body of "Run a Security Copilot promptbook" (POST /run-promptbook).
type RunPromptbookInput struct {
	PromptbookId     string            `json:"PromptbookId"`
	PromptbookInputs map[string]string `json:"PromptbookInputs,omitempty"`
}

// EvaluationResult is one prompt's result in RunPromptbookOutput.
type EvaluationResult struct {
	SkillName               string        `json:"skillName"`
	PromptContent           string        `json:"promptContent"`
	EvaluationResultType    string        `json:"evaluationResultType"`
	EvaluationResultContent string        `json:"evaluationResultContent"`
	SkillSources            []SkillSource `json:"skillSources"`
}

// RunPromptbookOutput is the action's outputs.
type RunPromptbookOutput struct {
	SessionId         string             `json:"SessionId"`
	EvaluationResults []EvaluationResult `json:"evaluationResults"`
}

// ErrConnectorInput is a connector body the action refuses.
var ErrConnectorInput = errors.New("copilot: connector input")

// connectorType is the connector's EvaluationResultType spelling of Graph's result type.
func connectorType(t string) string {
	if t == "" {
		return "Unknown"
	}
	return strings.ToUpper(t[:1]) + t[1:]
}

func skillSources(r Result) []SkillSource {
	out := []SkillSource{}
	for _, s := range r.Sources {
		out = append(out, SkillSource{DisplayName: s})
	}
	return out
}

// ProcessPrompt is the connector's "Submit a Security Copilot prompt", on behalf of c (a
// playbook's connection: the lab's service principal or the user who authorized it).
func (s *Service) ProcessPrompt(ctx context.Context, tenantID string, in ProcessPromptInput, c Caller) (ProcessPromptOutput, error) {
	switch {
	case in.SkillName != "" || len(in.SkillInputs) > 0:
		return ProcessPromptOutput{}, fmt.Errorf("%w: calling a skill directly (SkillName %q) is not available in the lab: send PromptContent", ErrConnectorInput, in.SkillName)
	case strings.TrimSpace(in.PromptContent) == "":
		return ProcessPromptOutput{}, fmt.Errorf("%w: PromptContent is required", ErrConnectorInput)
	}
	a, err := s.AskAs(ctx, tenantID, in.SessionId, in.PromptContent, c.String(), c)
	if err != nil {
		return ProcessPromptOutput{}, err
	}
	r := *a.Evaluation.Result
	return ProcessPromptOutput{EvaluationResultContent: r.Content, EvaluationResultType: connectorType(r.Type), SessionId: a.Session.ID,
		PromptId: a.Prompt.ID, SkillName: "", SkillSources: skillSources(r)}, nil
}

// RunPromptbookAction is the connector's "Run a Security Copilot promptbook".
func (s *Service) RunPromptbookAction(ctx context.Context, tenantID string, in RunPromptbookInput, c Caller) (RunPromptbookOutput, error) {
	if strings.TrimSpace(in.PromptbookId) == "" {
		return RunPromptbookOutput{}, fmt.Errorf("%w: PromptbookId is required", ErrConnectorInput)
	}
	run, err := s.RunPromptbook(ctx, tenantID, in.PromptbookId, in.PromptbookInputs, "", c)
	if err != nil {
		return RunPromptbookOutput{}, err
	}
	out := RunPromptbookOutput{SessionId: run.SessionID, EvaluationResults: []EvaluationResult{}}
	for _, r := range run.Results {
		out.EvaluationResults = append(out.EvaluationResults, EvaluationResult{SkillName: "", PromptContent: r.Prompt,
			EvaluationResultType: connectorType(r.Type), EvaluationResultContent: r.Content, SkillSources: skillSources(r.Result)})
	}
	return out, nil
}

// IncidentComment is the comment a playbook posts with a prompt's answer: who answered, the
// session to open, and the answer, cut to max characters (Sentinel's comment limit).
func IncidentComment(out ProcessPromptOutput, max int) string {
	text := fmt.Sprintf("Security Copilot (%s; session %s):\n\n%s", out.EvaluationResultType, out.SessionId, strings.TrimSpace(out.EvaluationResultContent))
	if r := []rune(text); len(r) > max {
		text = string(r[:max-1]) + "…"
	}
	return text
}
