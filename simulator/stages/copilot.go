package stages

import (
	"context"
	"fmt"

	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/sentinel"
)

// CopilotConnector is the Security Copilot connector of the tenant's playbooks
// (automation.Copilot): it submits the prompt as the lab's service principal (the playbook's
// connection, as in copilot's TestConnector) and returns the answer as an incident comment
// within Sentinel's comment limit; refusals are answers, so they are the comment too.
type CopilotConnector struct{ Service *copilot.Service }

// ProcessPrompt submits prompt in a new Copilot session of the tenant.
func (c CopilotConnector) ProcessPrompt(ctx context.Context, tenantID, prompt string) (string, error) {
	t, err := c.Service.World().TenantByID(tenantID)
	if err != nil {
		return "", fmt.Errorf("security copilot connector: %w", err)
	}
	out, err := c.Service.ProcessPrompt(ctx, tenantID, copilot.ProcessPromptInput{PromptContent: prompt}, copilot.Caller{AppID: t.ServicePrincipal.AppID})
	if err != nil {
		return "", err
	}
	return copilot.IncidentComment(out, sentinel.MaxCommentLength), nil
}
