package generate

import (
	"strings"
	"time"

	"github.com/brianvoe/gofakeit/v7"
	"github.com/soclab/soclab/scenarios/scenario"
)

// resourceRef is a resolved Azure resource (or, with Type "", a resource group).
type resourceRef struct {
	Name, Type, Group, Location, ID string
}

// resources indexes the estate by resource name and by "rg:" + group name.
func resources(s *scenario.Scenario, sub string) map[string]resourceRef {
	out := map[string]resourceRef{}
	for _, rg := range s.Cast.ResourceGroups {
		gid := "/subscriptions/" + sub + "/resourceGroups/" + rg.Name
		out["rg:"+rg.Name] = resourceRef{Name: rg.Name, Group: rg.Name, Location: rg.Location, ID: gid}
		for _, r := range rg.Resources {
			out[r.Name] = resourceRef{Name: r.Name, Type: r.Type, Group: rg.Name, Location: rg.Location,
				ID: gid + "/providers/" + r.Type + "/" + r.Name}
		}
	}
	return out
}

// ResourceID returns the ARM id of a named resource (or "rg:<name>" for a group) of the scenario
// for a subscription, as the telemetry writes it.
func ResourceID(s *scenario.Scenario, subscriptionID, name string) (string, bool) {
	r, ok := resources(s, subscriptionID)[name]
	return r.ID, ok
}

// actor is who performs an action: a user (with a device and client app) or a service principal.
type actor struct {
	user   *User
	sp     *ServicePrincipal
	ip     string
	place  *scenario.Place
	device Device
	app    *scenario.App
}

func (a actor) caller() string {
	if a.user != nil {
		return a.user.UPN
	}
	return a.sp.ObjectID
}

func (a actor) objectID() string {
	if a.user != nil {
		return a.user.ObjectID
	}
	return a.sp.ObjectID
}

// roleFor finds the caller's Azure role that covers a resource.
func (a actor) roleFor(r resourceRef) (role, scope string) {
	if a.user == nil {
		return "Contributor", ""
	}
	for _, ra := range a.user.AzureRoles {
		if ra.Scope == r.Name || ra.Scope == r.Group || ra.Scope == "subscription" {
			return ra.Role, ra.Scope
		}
	}
	return "Contributor", ""
}

// emitARM writes one control-plane operation: the Start and Success rows of AzureActivity (same
// correlation and operation id) and the Defender for Cloud Apps record of it.
func (g *gen) emitARM(b *batch, f *gofakeit.Faker, at time.Time, a actor, act scenario.ARMAction, meta RowMeta) {
	op := scenario.ARMOperations[act.Operation]
	var res resourceRef
	if op.ResourceType == "" {
		res = g.res["rg:"+act.ResourceGroup]
		switch {
		case strings.HasPrefix(act.Operation, "MICROSOFT.RESOURCES/DEPLOYMENTS"):
			name := "Microsoft.Template-" + at.Format("20060102150405")
			res = resourceRef{Name: name, Type: "Microsoft.Resources/deployments", Group: res.Group, Location: res.Location,
				ID: res.ID + "/providers/Microsoft.Resources/deployments/" + name}
		case strings.HasPrefix(act.Operation, "MICROSOFT.AUTHORIZATION"):
			name := uuidFrom(f)
			res = resourceRef{Name: name, Type: "Microsoft.Authorization/roleAssignments", Group: res.Group, Location: res.Location,
				ID: res.ID + "/providers/Microsoft.Authorization/roleAssignments/" + name}
		}
	} else {
		res = g.res[act.Resource]
	}
	subID := g.p.SubscriptionID
	provider := op.Action[:strings.IndexByte(op.Action, '/')]
	if res.Type == "" {
		provider = "Microsoft.Resources"
	}
	corr, opID := uuidFrom(f), uuidFrom(f)
	role, scope := a.roleFor(res)
	scopeID := "/subscriptions/" + subID
	if scope != "" && scope != "subscription" {
		if r, ok := g.res[scope]; ok {
			scopeID = r.ID
		} else if r, ok := g.res["rg:"+scope]; ok {
			scopeID = r.ID
		}
	}
	principalType := "User"
	if a.user == nil {
		principalType = "ServicePrincipal"
	}
	authz := map[string]any{"action": op.Action, "scope": res.ID, "evidence": map[string]any{
		"role": role, "roleAssignmentScope": scopeID, "roleAssignmentId": strings.ReplaceAll(nameUUID(g.p.TenantID, "ra", a.objectID(), scopeID), "-", ""),
		"roleDefinitionId": strings.ReplaceAll(roleDefinitionID(role), "-", ""), "principalId": strings.ReplaceAll(a.objectID(), "-", ""),
		"principalType": principalType}}
	claims := map[string]any{
		"aud": "https://management.core.windows.net/", "iss": "https://sts.windows.net/" + g.p.TenantID + "/",
		"iat": at.Add(-20 * time.Minute).Unix(), "ipaddr": a.ip, "appid": a.app.AppID,
		"http://schemas.microsoft.com/identity/claims/objectidentifier": a.objectID(),
		"http://schemas.microsoft.com/identity/claims/tenantid":         g.p.TenantID,
	}
	if a.user != nil {
		claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = a.user.UPN
		claims["name"] = a.user.DisplayName
	}
	method := "POST"
	if strings.HasSuffix(act.Operation, "/WRITE") {
		method = "PUT"
	}
	httpReq := jsonString(map[string]any{"clientRequestId": uuidFrom(f), "clientIpAddress": a.ip, "method": method})
	hier := g.p.TenantID + "/" + subID
	upperID := strings.ToUpper(res.ID)
	for i, phase := range [2]struct{ status, statusValue, sub string }{{"Started", "Start", ""}, {"Succeeded", "Success", "OK"}} {
		t := at.Add(time.Duration(i) * time.Duration(800+f.IntN(2500)) * time.Millisecond)
		props := map[string]any{"eventCategory": "Administrative", "entity": res.ID, "message": op.Action, "hierarchy": hier}
		if phase.sub != "" {
			props["statusCode"] = phase.sub
		}
		r := g.tables[tActivity].newRow().
			set("ActivityStatus", phase.status).set("ActivityStatusValue", phase.statusValue).
			set("ActivitySubstatus", "").set("ActivitySubstatusValue", phase.sub).
			set("Authorization", jsonString(authz)).set("Authorization_d", authz).
			set("_BilledSize", float64(2200+f.IntN(900))).set("Caller", a.caller()).set("CallerIpAddress", a.ip).
			set("Category", "Administrative").set("CategoryValue", "Administrative").
			set("Claims", jsonString(claims)).set("Claims_d", claims).set("CorrelationId", corr).
			set("EventDataId", uuidFrom(f)).set("EventSubmissionTimestamp", t.Add(time.Duration(5+f.IntN(20))*time.Second)).
			set("Hierarchy", hier).set("HTTPRequest", httpReq).set("_IsBillable", "True").set("Level", "Informational").
			set("OperationId", opID).set("OperationName", op.Name).set("OperationNameValue", act.Operation).
			set("Properties", jsonString(props)).set("Properties_d", props).set("Resource", res.Name).
			set("ResourceGroup", res.Group).set("ResourceId", upperID).set("_ResourceId", strings.ToLower(res.ID)).
			set("ResourceProvider", provider).set("ResourceProviderValue", strings.ToUpper(provider)).
			set("SourceSystem", "Azure").set("SubscriptionId", subID).set("_SubscriptionId", subID).
			set("TenantId", g.p.WorkspaceID).set("TimeGenerated", t).set("Type", "AzureActivity")
		b.emit(tActivity, r, withSource(meta, SourceAzureActivity, t))
	}
	if a.user == nil {
		return
	}
	activity := "Run"
	if method == "PUT" {
		activity = "Edit"
	}
	raw := map[string]any{
		"CreationTime": at.Format("2006-01-02T15:04:05"), "Id": opID, "Operation": op.Action, "OrganizationId": g.p.TenantID,
		"RecordType": int64(54), "ResultStatus": "Succeeded", "UserId": a.user.UPN, "UserKey": a.user.ObjectID,
		"UserType": int64(0), "Version": int64(1), "Workload": "Azure", "ClientIP": a.ip, "ObjectId": res.ID,
		"ResourceGroup": res.Group, "SubscriptionId": subID, "CorrelationId": corr,
	}
	g.emitCloudApp(b, f, cloudAppEvent{
		at: at, a: a, action: op.Action, app: "Microsoft Azure", appID: 12260, activityType: activity,
		objectName: res.Name, objectType: "Azure Resource", objectID: res.ID, raw: raw, admin: true,
		objects: []any{
			map[string]any{"Type": "User", "Role": "Actor", "Name": a.user.DisplayName, "Id": a.user.ObjectID},
			map[string]any{"Type": "Azure Resource", "Role": "Target object", "Name": res.Name, "Id": res.ID},
		},
		meta: meta,
	})
}

// builtinRoles are the ids of Azure's built-in role definitions (the same in every tenant).
var builtinRoles = map[string]string{
	"Owner":                          "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
	"Contributor":                    "b24988ac-6180-42a0-ab88-20f7382dd24c",
	"Reader":                         "acdd72a7-3385-48ef-bd42-f606fba81ae7",
	"Key Vault Secrets User":         "4633458b-17de-408a-b874-0445c86b69e6",
	"Storage Blob Data Reader":       "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
	"Microsoft Sentinel Contributor": "ab8e14d6-4a74-4a29-9ba8-549422addade",
	"Microsoft Sentinel Responder":   "3e150937-b8fe-4cfb-8069-0eaf05ecd056",
	"Microsoft Sentinel Reader":      "8d289c81-5878-46d4-8554-54e1e3d8b5cb",
}

// roleDefinitionID returns a role's definition id (a stable made-up one for a custom role).
func roleDefinitionID(role string) string {
	if id, ok := builtinRoles[role]; ok {
		return id
	}
	return nameUUID("role", role)
}
