package simulator

import (
	"encoding/json"
	"fmt"
	"strings"
)

// WorkspaceType is the ARM type of Log Analytics workspaces.
const WorkspaceType = "Microsoft.OperationalInsights/workspaces"

// Workspace is what other services need to know of a Log Analytics workspace: the query API
// addresses it by CustomerID ("Workspace ID"), ARM by ID.
type Workspace struct {
	ID            string
	Name          string
	ResourceGroup string
	CustomerID    string
	Location      string
}

// Workspaces returns the tenant's Log Analytics workspaces.
func (t *TenantTx) Workspaces() ([]Workspace, error) {
	rs, err := t.ResourcesUnder("/subscriptions/"+t.tenant.Subscription.ID, WorkspaceType)
	if err != nil {
		return nil, err
	}
	out := make([]Workspace, 0, len(rs))
	for _, r := range rs {
		var body struct {
			Name       string `json:"name"`
			Location   string `json:"location"`
			Properties struct {
				CustomerID string `json:"customerId"`
			} `json:"properties"`
		}
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return nil, fmt.Errorf("decode workspace %s: %w", r.ID, err)
		}
		out = append(out, Workspace{ID: r.ID, Name: body.Name, ResourceGroup: groupOfID(r.ID),
			CustomerID: body.Properties.CustomerID, Location: body.Location})
	}
	return out, nil
}

// WorkspaceByCustomerID finds the tenant's workspace whose customerId (the query API's
// workspace id) or ARM id is id; false if the tenant has none.
func (t *TenantTx) WorkspaceByCustomerID(id string) (Workspace, bool, error) {
	ws, err := t.Workspaces()
	if err != nil {
		return Workspace{}, false, err
	}
	for _, w := range ws {
		if strings.EqualFold(w.CustomerID, id) || strings.EqualFold(w.ID, id) {
			return w, true, nil
		}
	}
	return Workspace{}, false, nil
}

// groupOfID returns the resource group named in an ARM id.
func groupOfID(id string) string {
	segs := strings.Split(strings.Trim(id, "/"), "/")
	for i := 0; i+1 < len(segs); i++ {
		if strings.EqualFold(segs[i], "resourcegroups") {
			return segs[i+1]
		}
	}
	return ""
}
