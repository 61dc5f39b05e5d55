package identity

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// Caller is who makes a write, from the token: a user (delegated) or an application.
type Caller struct {
	UserID, UPN                        string
	AppID, ServicePrincipalID, AppName string
	IsApp                              bool
	IP, UserAgent                      string
}

// Activity is an Entra audit activity: its name (activityDisplayName == OperationName), the
// category, the operation type and the service that logs it.
type Activity struct {
	Name, Category, OperationType, Service string
}

// The activities the learner's writes log (docs/graph.md lists the sources).
var (
	ActUpdateUser       = Activity{"Update user", "UserManagement", "Update", "Core Directory"}
	ActDisableAccount   = Activity{"Disable account", "UserManagement", "Update", "Core Directory"}
	ActEnableAccount    = Activity{"Enable account", "UserManagement", "Update", "Core Directory"}
	ActResetPassword    = Activity{"Reset user password", "UserManagement", "Update", "Core Directory"}
	ActDeleteUser       = Activity{"Delete user", "UserManagement", "Delete", "Core Directory"}
	ActRevokeSessions   = Activity{"Update StsRefreshTokenValidFrom Timestamp", "UserManagement", "Update", "Core Directory"}
	ActAddRoleMember    = Activity{"Add member to role", "RoleManagement", "Assign", "Core Directory"}
	ActRemoveRoleMember = Activity{"Remove member from role", "RoleManagement", "Unassign", "Core Directory"}
	ActAddLocation      = Activity{"Add named location", "Policy", "Add", "Conditional Access"}
	ActUpdateLocation   = Activity{"Update named location", "Policy", "Update", "Conditional Access"}
	ActDeleteLocation   = Activity{"Delete named location", "Policy", "Delete", "Conditional Access"}
	ActAddPolicy        = Activity{"Add conditional access policy", "Policy", "Add", "Conditional Access"}
	ActUpdatePolicy     = Activity{"Update conditional access policy", "Policy", "Update", "Conditional Access"}
	ActDeletePolicy     = Activity{"Delete conditional access policy", "Policy", "Delete", "Conditional Access"}
	ActConfirmRisk      = Activity{"Confirm user compromised", "IdentityProtection", "Update", "Identity Protection"}
	ActDismissRisk      = Activity{"Dismiss user risk", "IdentityProtection", "Update", "Identity Protection"}
)

// Target is one targetResources entry of an audit record.
type Target struct {
	ID, DisplayName, Type, UPN string
	Modified                   []Modified
}

// Modified is one modifiedProperties entry; values are JSON texts as Entra writes them
// ("[true]", "\"Global Administrator\"").
type Modified struct {
	Name, Old, New string
}

// record is one audit record a write makes.
type record struct {
	act     Activity
	targets []Target
}

// auditRow builds the AuditLogs row of a record, as generate's attack rows look.
func auditRow(tx *simulator.TenantTx, c Caller, r record) logs.Row {
	now := tx.Now().UTC()
	tid := strings.ToLower(tx.Tenant().ID)
	corr := simulator.NewGUID()
	prefix := "Directory_"
	switch r.act.Service {
	case "Conditional Access":
		prefix = "IPCGraph_"
	case "Identity Protection":
		prefix = "IdentityProtection_"
	}
	id := prefix + corr + "_" + strings.ToUpper(strings.ReplaceAll(simulator.NewGUID(), "-", "")[:13])
	var initiated map[string]any
	identity := c.UPN
	if c.IsApp {
		initiated = map[string]any{"app": map[string]any{"appId": c.AppID, "displayName": c.AppName, "servicePrincipalId": c.ServicePrincipalID, "servicePrincipalName": nil}}
		identity = c.AppName
	} else {
		initiated = map[string]any{"user": map[string]any{"id": c.UserID, "displayName": nil, "userPrincipalName": c.UPN, "ipAddress": c.IP, "roles": []any{}}}
	}
	targets := make([]any, 0, len(r.targets))
	for _, t := range r.targets {
		mods := make([]any, 0, len(t.Modified))
		for _, m := range t.Modified {
			mods = append(mods, map[string]any{"displayName": m.Name, "oldValue": nullable(m.Old), "newValue": nullable(m.New)})
		}
		tr := map[string]any{"id": t.ID, "displayName": nullable(t.DisplayName), "type": t.Type, "modifiedProperties": mods, "administrativeUnits": []any{}}
		if t.UPN != "" {
			tr["userPrincipalName"] = t.UPN
		}
		targets = append(targets, tr)
	}
	details := []any{}
	if c.UserAgent != "" {
		details = append(details, map[string]any{"key": "User-Agent", "value": c.UserAgent})
	}
	return logs.Row{Source: generate.SourceEntraAudit, Time: now, Values: map[string]any{
		"AADOperationType": r.act.OperationType, "AADTenantId": tid, "ActivityDateTime": now, "ActivityDisplayName": r.act.Name,
		"AdditionalDetails": details, "Category": r.act.Category, "CorrelationId": corr, "DurationMs": int64(0), "Id": id,
		"Identity": identity, "InitiatedBy": initiated, "Level": "4", "LoggedByService": r.act.Service, "OperationName": r.act.Name,
		"OperationVersion": "1.0", "Resource": "Microsoft.aadiam", "ResourceGroup": "Microsoft.aadiam",
		"ResourceId": "/tenants/" + tid + "/providers/Microsoft.aadiam", "ResourceProvider": "Microsoft.aadiam", "Result": "success",
		"ResultReason": "", "ResultSignature": "None", "SourceSystem": "Azure AD", "TargetResources": targets, "TimeGenerated": now,
		"_IsBillable": "True", "_BilledSize": float64(2200),
	}}
}

// userTarget is a user as an audit target.
func userTarget(u *User, mods ...Modified) Target {
	return Target{ID: u.ID, Type: "User", UPN: u.UserPrincipalName, Modified: mods}
}

// jsonText is v as Entra writes a modified property value.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// DirectoryAudit turns an AuditLogs row (column name → value, as a KQL result row) into
// Graph's directoryAudit object.
func DirectoryAudit(row map[string]any) map[string]any {
	initiated := map[string]any{"user": nil, "app": nil}
	if m, ok := row["InitiatedBy"].(map[string]any); ok {
		for k, v := range m {
			initiated[k] = v
		}
	}
	targets := row["TargetResources"]
	if targets == nil {
		targets = []any{}
	}
	details := row["AdditionalDetails"]
	if details == nil {
		details = []any{}
	}
	reason := row["ResultReason"]
	if reason == nil {
		reason = ""
	}
	return map[string]any{
		"id": row["Id"], "category": row["Category"], "correlationId": row["CorrelationId"], "result": row["Result"],
		"resultReason": reason, "activityDisplayName": row["ActivityDisplayName"], "activityDateTime": timeText(row["ActivityDateTime"]),
		"loggedByService": row["LoggedByService"], "operationType": row["AADOperationType"], "initiatedBy": initiated,
		"targetResources": targets, "additionalDetails": details,
	}
}

// timeText formats a result cell that holds a time as Graph does.
func timeText(v any) any {
	switch t := v.(type) {
	case time.Time:
		return t.UTC().Format("2006-01-02T15:04:05Z")
	case string:
		if p, err := time.Parse(time.RFC3339Nano, t); err == nil {
			return p.UTC().Format("2006-01-02T15:04:05Z")
		}
	}
	return v
}
