package generate

import (
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// UserObjectID is the object id the telemetry gives a user of a tenant (the simulator's directory
// must use the same, including for users that a scenario's "Add user" creates).
func UserObjectID(tenantID, upn string) string {
	return nameUUID(tenantID, "user", strings.ToLower(upn))
}

// GroupObjectID is the object id the telemetry gives a group of a tenant (AuditLogs'
// Group.ObjectID); the simulator's directory uses the same.
func GroupObjectID(tenantID, name string) string { return nameUUID(tenantID, "group", name) }

// DirectoryRoleObjectID is the object id of an activated directory role in a tenant (AuditLogs'
// Role.ObjectID; the role's template id is the same in every tenant).
func DirectoryRoleObjectID(tenantID, role string) string { return nameUUID(tenantID, "role", role) }

// ConditionalAccessPolicyID is the id of one of the tenant's standing Conditional Access
// policies as the sign-in telemetry names them (key "mfa": Require MFA for all users;
// "compliant": Require compliant device for Azure management).
func ConditionalAccessPolicyID(tenantID, key string) string { return nameUUID(tenantID, "ca", key) }

// emitAudit writes one directory change to AuditLogs and, when Defender for Cloud Apps records
// the activity, to CloudAppEvents with the same ids.
func (g *gen) emitAudit(b *batch, f *gofakeit.Faker, at time.Time, a actor, e *scenario.Event, meta RowMeta) {
	act := scenario.AuditActivities[e.Activity]
	tid := g.p.TenantID
	targetUPN := e.Target.User + "@" + g.p.TenantDomain
	targetName := e.Target.DisplayName
	if tu, ok := g.cast.User(targetUPN); ok {
		targetName = tu.DisplayName
	}
	targetID := UserObjectID(tid, targetUPN)
	var mods, rawMods []any
	mod := func(name, oldV, newV string) {
		mods = append(mods, map[string]any{"displayName": name, "oldValue": nilIfEmpty(oldV), "newValue": nilIfEmpty(newV)})
		rawMods = append(rawMods, map[string]any{"Name": name, "NewValue": strings.Trim(newV, `"[]`), "OldValue": strings.Trim(oldV, `"[]`)})
	}
	var roleID string
	switch e.Activity {
	case "Add user":
		mod("AccountEnabled", "[]", "[true]")
		mod("DisplayName", "[]", `["`+targetName+`"]`)
		mod("UserPrincipalName", "[]", `["`+targetUPN+`"]`)
		mod("Included Updated Properties", "", `"AccountEnabled, DisplayName, UserPrincipalName"`)
	case "Add member to role", "Remove member from role":
		for _, r := range g.s.Cast.DirectoryRoles {
			if r.Name == e.Target.Role {
				roleID = r.TemplateID
			}
		}
		mod("Role.ObjectID", "", `"`+nameUUID(tid, "role", e.Target.Role)+`"`)
		mod("Role.DisplayName", "", `"`+e.Target.Role+`"`)
		mod("Role.TemplateId", "", `"`+roleID+`"`)
		mod("Role.WellKnownObjectName", "", `"`+strings.ReplaceAll(e.Target.Role, " ", "")+`"`)
	case "Add member to group", "Remove member from group":
		mod("Group.ObjectID", "", `"`+nameUUID(tid, "group", e.Target.Group)+`"`)
		mod("Group.DisplayName", "", `"`+e.Target.Group+`"`)
	case "Update user":
		mod("StrongAuthenticationPhoneAppDetail", "[]", `[{"DeviceName":"iPhone","DeviceTag":"SoftwareTokenActivated"}]`)
		mod("Included Updated Properties", "", `"StrongAuthenticationPhoneAppDetail"`)
	}
	targets := []any{map[string]any{
		"id": targetID, "displayName": nil, "type": "User", "userPrincipalName": targetUPN, "groupType": nil,
		"modifiedProperties": orEmptyList(mods), "administrativeUnits": []any{},
	}}
	if roleID != "" {
		targets = append(targets, map[string]any{"id": nameUUID(tid, "role", e.Target.Role), "displayName": e.Target.Role,
			"type": "Role", "modifiedProperties": []any{}, "administrativeUnits": []any{}})
	}
	if e.Target.Group != "" {
		targets = append(targets, map[string]any{"id": nameUUID(tid, "group", e.Target.Group), "displayName": e.Target.Group,
			"type": "Group", "groupType": "unknownFutureValue", "modifiedProperties": []any{}, "administrativeUnits": []any{}})
	}
	actorUser := a.user
	var initiated map[string]any
	if a.user == nil && a.sp != nil {
		// an application acts with its own credentials: no user, the app in initiatedBy
		initiated = map[string]any{"app": map[string]any{"appId": a.sp.AppID, "displayName": a.sp.Name,
			"servicePrincipalId": a.sp.ObjectID, "servicePrincipalName": nil}}
		actorUser = &User{ObjectID: a.sp.ObjectID, DisplayName: a.sp.Name, UPN: a.sp.Name}
	} else {
		roles := []any{}
		for _, r := range a.user.DirectoryRoles {
			roles = append(roles, r)
		}
		initiated = map[string]any{"user": map[string]any{"id": a.user.ObjectID, "displayName": nil,
			"userPrincipalName": a.user.UPN, "ipAddress": a.ip, "roles": roles}}
	}
	corr := uuidFrom(f)
	result, reason, status := "success", "", "Success"
	if e.Failed {
		result, reason, status = "failure", "Insufficient privileges to complete the operation.", "Failure"
	}
	idPrefix := "Directory_"
	if act.LoggedByService == "Self-service Password Management" {
		idPrefix = "SSPR_"
	} else if act.LoggedByService == "Authentication Methods" {
		idPrefix = "UserManagement_"
	}
	id := idPrefix + corr + "_" + randToken(f)[:5] + "_" + strings.ToUpper(randToken(f)[:8])
	r := g.tables[tAudit].newRow().
		set("AADOperationType", act.OperationType).set("AADTenantId", tid).set("ActivityDateTime", at).
		set("ActivityDisplayName", e.Activity).
		set("AdditionalDetails", []any{map[string]any{"key": "User-Agent", "value": a.device.UserAgent}}).
		set("_BilledSize", float64(1800+f.IntN(1200))).set("Category", act.Category).set("CorrelationId", corr).
		set("DurationMs", int64(0)).set("Id", id).set("Identity", actorUser.DisplayName).set("InitiatedBy", initiated).
		set("_IsBillable", "True").set("Level", "4").set("LoggedByService", act.LoggedByService).
		set("OperationName", e.Activity).set("OperationVersion", "1.0").set("Resource", "Microsoft.aadiam").
		set("ResourceGroup", "Microsoft.aadiam").set("ResourceId", "/tenants/"+tid+"/providers/Microsoft.aadiam").
		set("ResourceProvider", "Microsoft.aadiam").set("Result", result).set("ResultReason", reason).
		set("ResultSignature", "None").set("SourceSystem", "Azure AD").set("TargetResources", targets).
		set("TimeGenerated", at).set("Type", "AuditLogs").set("TenantId", g.p.WorkspaceID)
	b.emit(tAudit, r, withSource(meta, SourceEntraAudit, at))
	if act.CloudAppAction == "" {
		return
	}
	raw := map[string]any{
		"CreationTime": at.Format("2006-01-02T15:04:05"), "Id": corr, "Operation": act.CloudAppAction,
		"OrganizationId": tid, "RecordType": int64(8), "ResultStatus": status, "UserKey": actorUser.ObjectID + "@" + g.p.TenantDomain,
		"UserType": int64(0), "Version": int64(1), "Workload": "AzureActiveDirectory", "ObjectId": targetUPN,
		"UserId": actorUser.UPN, "AzureActiveDirectoryEventType": int64(1),
		"ExtendedProperties": []any{map[string]any{"Name": "extendedAuditEventCategory", "Value": act.TargetType}},
		"ModifiedProperties": orEmptyList(rawMods),
		"Actor":              []any{map[string]any{"ID": actorUser.UPN, "Type": int64(5)}, map[string]any{"ID": actorUser.ObjectID, "Type": int64(2)}},
		"ActorContextId":     tid, "ActorIpAddress": a.ip, "InterSystemsId": uuidFrom(f), "IntraSystemId": corr,
		"Target":          []any{map[string]any{"ID": "User_" + targetID, "Type": int64(2)}, map[string]any{"ID": targetUPN, "Type": int64(5)}},
		"TargetContextId": tid,
	}
	actorType := "User"
	if a.user == nil {
		actorType = "ServicePrincipal"
	}
	objects := []any{
		map[string]any{"Type": actorType, "Role": "Actor", "Name": actorUser.DisplayName, "Id": actorUser.ObjectID},
		map[string]any{"Type": "User", "Role": "Target object", "Name": targetUPN, "Id": targetID},
	}
	if roleID != "" {
		objects = append(objects, map[string]any{"Type": "Role", "Role": "Target object", "Name": e.Target.Role, "Id": roleID})
	}
	ca := a
	ca.user = actorUser
	g.emitCloudApp(b, f, cloudAppEvent{
		at: at, a: ca, action: act.CloudAppAction, app: "Office 365", appID: 11161, activityType: activityTypeOf(act.OperationType),
		objectName: targetUPN, objectType: "User", objectID: targetID, raw: raw, objects: objects, admin: true, meta: meta,
	})
}

func activityTypeOf(opType string) string {
	switch opType {
	case "Add":
		return "Create"
	case "Delete", "Unassign":
		return "Delete"
	}
	return "Edit"
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orEmptyList(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}
