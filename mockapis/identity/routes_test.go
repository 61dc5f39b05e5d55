package identity

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	dir "github.com/soclab/soclab/simulator/identity"
	"github.com/tidwall/gjson"
)

// step is one request of a flow: its answer's status and gjson paths with their expected
// values ("*" = present and not null, "!" = absent or null). capture stores values for later
// steps' {name} placeholders. refused steps must leave the tenant's state as it was.
type step struct {
	name    string
	method  string
	path    string
	token   string
	body    string
	status  int
	want    map[string]string
	capture map[string]string
	refused bool
}

var placeholder = regexp.MustCompile(`\{[a-zA-Z0-9]+\}`)

func runSteps(t *testing.T, l *lab, vars map[string]string, steps []step) {
	t.Helper()
	for _, s := range steps {
		fill := func(x string) string {
			return placeholder.ReplaceAllStringFunc(x, func(m string) string {
				if v, ok := vars[m[1:len(m)-1]]; ok {
					return v
				}
				return m
			})
		}
		token := s.token
		if token == "" {
			token = "a"
		}
		before := l.digest(l.a.ID) + l.digest(l.b.ID)
		status, body := l.do(s.method, fill(s.path), token, fill(s.body))
		if status != s.status {
			t.Fatalf("%s: %s %s: status %d, want %d\n%s", s.name, s.method, fill(s.path), status, s.status, body)
		}
		for path, want := range s.want {
			got := gjson.Get(body, fill(path))
			want = fill(want)
			switch {
			case want == "*" && (!got.Exists() || got.Type == gjson.Null):
				t.Errorf("%s: %s missing in %s", s.name, path, body)
			case want == "!" && got.Exists() && got.Type != gjson.Null:
				t.Errorf("%s: %s = %s, want absent", s.name, path, got.Raw)
			case want != "*" && want != "!" && got.String() != want:
				t.Errorf("%s: %s = %q, want %q\n%s", s.name, path, got.String(), want, body)
			}
		}
		for name, path := range s.capture {
			vars[name] = gjson.Get(body, path).String()
		}
		if after := l.digest(l.a.ID) + l.digest(l.b.ID); s.refused && after != before {
			t.Errorf("%s: a refused request changed the state", s.name)
		}
	}
}

func notFoundMsg(key string) string {
	return "Resource '" + key + "' does not exist or one of its queried reference-property objects are not present."
}

// q escapes a query option value, keeping {placeholders} for runSteps.
func q(s string) string {
	return strings.NewReplacer("%7B", "{", "%7D", "}").Replace(url.PathEscape(s))
}

// TestUsersAndGroups covers users, groups and directory roles, good and bad input.
func TestUsersAndGroups(t *testing.T) {
	l := newLab(t)
	alexID := generate.UserObjectID(l.a.ID, "alex.johnson@contoso.com")
	svcID := generate.UserObjectID(l.a.ID, "svc-backup-admin@contoso.com")
	tier2 := generate.GroupObjectID(l.a.ID, "SOC Tier 2")
	vars := map[string]string{"alex": alexID, "svc": svcID, "tier2": tier2}
	runSteps(t, l, vars, []step{
		{name: "get by UPN: default properties", method: "GET", path: "/v1.0/users/alex.johnson@contoso.com", status: 200, want: map[string]string{
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity", "id": alexID, "displayName": "Alex Johnson",
			"jobTitle": "Senior Financial Analyst", "userPrincipalName": "alex.johnson@contoso.com", "businessPhones": "[]",
			"accountEnabled": "!", "department": "!"}},
		{name: "get by id with $select", method: "GET", path: "/v1.0/users/{alex}?$select=accountEnabled,department,lastPasswordChangeDateTime,signInSessionsValidFromDateTime", status: 200, want: map[string]string{
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#users(accountEnabled,department,lastPasswordChangeDateTime,signInSessionsValidFromDateTime)/$entity",
			"accountEnabled":   "true", "department": "Finance", "lastPasswordChangeDateTime": "2025-01-15T08:52:15Z", "displayName": "!"}},
		{name: "beta context", method: "GET", path: "/beta/users/{alex}?$select=id", status: 200, want: map[string]string{"@odata\\.context": "https://graph.microsoft.com/beta/$metadata#users(id)/$entity"}},
		{name: "unknown user", method: "GET", path: "/v1.0/users/nobody@contoso.com", status: 404, want: map[string]string{
			"error.code": "Request_ResourceNotFound", "error.message": notFoundMsg("nobody@contoso.com"), "error.innerError.date": "2025-01-15T10:05:00"}},
		{name: "list with $filter", method: "GET", path: "/v1.0/users?$filter=" + q("startswith(displayName,'Alex')"), status: 200, want: map[string]string{
			"value.#": "1", "value.0.id": alexID, "@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#users"}},
		{name: "list paged", method: "GET", path: "/v1.0/users?$top=5", status: 200, want: map[string]string{"value.#": "5", "@odata\\.nextLink": "*"}},
		{name: "list bad $top", method: "GET", path: "/v1.0/users?$top=abc", status: 400, want: map[string]string{"error.code": "*"}},
		{name: "the attacker's user exists after the attack", method: "GET", path: "/v1.0/users/svc-backup-admin@contoso.com?$select=id,displayName,createdDateTime", status: 200, want: map[string]string{
			"id": svcID, "displayName": "Backup Service Admin", "createdDateTime": "2025-01-15T09:15:10Z"}},
		{name: "memberOf", method: "GET", path: "/v1.0/users/{alex}/memberOf?$select=displayName", status: 200, want: map[string]string{
			"value.#": "4", "@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects(displayName)",
			`value.#(displayName=="User Administrator").@odata\.type`: "#microsoft.graph.directoryRole",
			`value.#(displayName=="Finance-Analysts").@odata\.type`:   "#microsoft.graph.group"}},
		{name: "memberOf unknown", method: "GET", path: "/v1.0/users/nobody@contoso.com/memberOf", status: 404, want: map[string]string{"error.code": "Request_ResourceNotFound"}},
		{name: "transitiveMemberOf", method: "GET", path: "/v1.0/users/{alex}/transitiveMemberOf", status: 200, want: map[string]string{"value.#": "4"}},

		{name: "PATCH bad value", method: "PATCH", path: "/v1.0/users/{alex}", body: `{"accountEnabled":"no"}`, status: 400, refused: true, want: map[string]string{
			"error.code": "Request_BadRequest", "error.message": "Invalid value specified for property 'accountEnabled' of resource 'User'."}},
		{name: "PATCH unknown property", method: "PATCH", path: "/v1.0/users/{alex}", body: `{"accountEnabled":false,"foo":1}`, status: 400, refused: true, want: map[string]string{
			"error.code": "Request_BadRequest", "error.message": "Property 'foo' does not exist as a declared property or extension property."}},
		{name: "PATCH not JSON", method: "PATCH", path: "/v1.0/users/{alex}", body: `accountEnabled=false`, status: 400, refused: true, want: map[string]string{
			"error.code": "BadRequest", "error.message": "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."}},
		{name: "PATCH weak password", method: "PATCH", path: "/v1.0/users/{alex}", body: `{"passwordProfile":{"password":"password"}}`, status: 400, refused: true, want: map[string]string{
			"error.message": "The specified password does not comply with password complexity requirements. Please provide a different password."}},
		{name: "PATCH unknown user", method: "PATCH", path: "/v1.0/users/nobody@contoso.com", body: `{"accountEnabled":false}`, status: 404, refused: true, want: map[string]string{"error.code": "Request_ResourceNotFound"}},
		{name: "disable", method: "PATCH", path: "/v1.0/users/alex.johnson@contoso.com", body: `{"accountEnabled":false}`, status: 204},
		{name: "disabled", method: "GET", path: "/v1.0/users/{alex}?$select=accountEnabled", status: 200, want: map[string]string{"accountEnabled": "false"}},
		{name: "reset password", method: "PATCH", path: "/v1.0/users/{alex}", body: `{"passwordProfile":{"forceChangePasswordNextSignIn":true,"password":"Xk9#mPq2vL!r"}}`, status: 204},
		{name: "password reset shows", method: "GET", path: "/v1.0/users/{alex}?$select=lastPasswordChangeDateTime", status: 200, want: map[string]string{"lastPasswordChangeDateTime": "2025-01-15T10:05:00Z"}},
		{name: "revoke", method: "POST", path: "/v1.0/users/alex.johnson@contoso.com/revokeSignInSessions", status: 200, want: map[string]string{
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean", "value": "true"}},
		{name: "revoke unknown", method: "POST", path: "/v1.0/users/nobody@contoso.com/revokeSignInSessions", status: 404, refused: true, want: map[string]string{"error.message": notFoundMsg("nobody@contoso.com")}},

		{name: "group by displayName", method: "GET", path: "/v1.0/groups?$filter=" + q("displayName eq 'SOC Tier 2'"), status: 200, want: map[string]string{
			"value.#": "1", "value.0.id": tier2, "value.0.displayName": "SOC Tier 2", "value.0.securityEnabled": "true", "@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#groups"}},
		{name: "group members", method: "GET", path: "/v1.0/groups/{tier2}/members?$select=userPrincipalName", status: 200, want: map[string]string{
			"value.#": "2", `value.#(userPrincipalName=="priya.patel@contoso.com").@odata\.type`: "#microsoft.graph.user"}},
		{name: "group unknown", method: "GET", path: "/v1.0/groups/00000000-0000-0000-0000-000000000001", status: 404, want: map[string]string{"error.code": "Request_ResourceNotFound"}},

		{name: "directory roles", method: "GET", path: "/v1.0/directoryRoles", status: 200, want: map[string]string{"value.#": "8"}},
		{name: "GA members include the attacker's user", method: "GET", path: "/v1.0/directoryRoles/roleTemplateId=62e90394-69f5-4237-9190-012177145e10/members?$select=userPrincipalName", status: 200, want: map[string]string{
			`value.#(userPrincipalName=="svc-backup-admin@contoso.com").@odata\.type`: "#microsoft.graph.user"}},
		{name: "role definition", method: "GET", path: "/v1.0/roleManagement/directory/roleDefinitions/62e90394-69f5-4237-9190-012177145e10", status: 200, want: map[string]string{
			"displayName": "Global Administrator", "isBuiltIn": "true", "templateId": "62e90394-69f5-4237-9190-012177145e10"}},
		{name: "the attacker's assignment", method: "GET", path: "/v1.0/roleManagement/directory/roleAssignments?$filter=" + q("principalId eq '{svc}'") + "&$expand=roleDefinition", status: 200,
			want: map[string]string{"value.#": "1", "value.0.roleDefinitionId": dir.GlobalAdministratorTemplateID, "value.0.directoryScopeId": "/",
				"value.0.roleDefinition.displayName": "Global Administrator", "value.0.id": dir.AssignmentID(dir.GlobalAdministratorTemplateID, svcID)},
			capture: map[string]string{"asg": "value.0.id"}},
		{name: "bad $expand", method: "GET", path: "/v1.0/roleManagement/directory/roleAssignments?$expand=foo", status: 400, want: map[string]string{
			"error.message": "Could not find a property named 'foo' on type 'microsoft.graph.unifiedRoleAssignment'."}},
		{name: "delete unknown assignment", method: "DELETE", path: "/v1.0/roleManagement/directory/roleAssignments/nope-1", status: 404, refused: true, want: map[string]string{"error.message": notFoundMsg("nope-1")}},
		{name: "delete the attacker's assignment", method: "DELETE", path: "/v1.0/roleManagement/directory/roleAssignments/{asg}", status: 204},
		{name: "gone", method: "GET", path: "/v1.0/roleManagement/directory/roleAssignments?$filter=" + q("principalId eq '{svc}'"), status: 200, want: map[string]string{"value.#": "0"}},
		{name: "create assignment: unknown principal", method: "POST", path: "/v1.0/roleManagement/directory/roleAssignments", status: 404, refused: true,
			body: `{"@odata.type":"#microsoft.graph.unifiedRoleAssignment","principalId":"00000000-0000-0000-0000-000000000009","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10","directoryScopeId":"/"}`},
		{name: "create assignment: unknown property", method: "POST", path: "/v1.0/roleManagement/directory/roleAssignments", status: 400, refused: true,
			body: `{"principalId":"{svc}","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10","foo":1}`},
		{name: "create assignment: bad scope", method: "POST", path: "/v1.0/roleManagement/directory/roleAssignments", status: 400, refused: true,
			body: `{"principalId":"{svc}","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10","directoryScopeId":"/administrativeUnits/x"}`},
		{name: "create assignment", method: "POST", path: "/v1.0/roleManagement/directory/roleAssignments", status: 201,
			body: `{"@odata.type":"#microsoft.graph.unifiedRoleAssignment","principalId":"{svc}","roleDefinitionId":"5d6b6bb7-de71-4623-b4af-96380a352509","directoryScopeId":"/"}`,
			want: map[string]string{"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#roleManagement/directory/roleAssignments/$entity", "principalId": svcID}},
		{name: "duplicate assignment", method: "POST", path: "/v1.0/roleManagement/directory/roleAssignments", status: 400, refused: true,
			body: `{"principalId":"{svc}","roleDefinitionId":"5d6b6bb7-de71-4623-b4af-96380a352509"}`},
		{name: "members/$ref bad body", method: "POST", path: "/v1.0/directoryRoles/roleTemplateId=62e90394-69f5-4237-9190-012177145e10/members/$ref", body: `{"@odata.id":"nonsense"}`, status: 400, refused: true},
		{name: "members/$ref", method: "POST", path: "/v1.0/directoryRoles/roleTemplateId=62e90394-69f5-4237-9190-012177145e10/members/$ref", body: `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/{svc}"}`, status: 204},
		{name: "remove member/$ref", method: "DELETE", path: "/v1.0/directoryRoles/roleTemplateId=62e90394-69f5-4237-9190-012177145e10/members/{svc}/$ref", status: 204},
		{name: "delete the attacker's user", method: "DELETE", path: "/v1.0/users/svc-backup-admin@contoso.com", status: 204},
		{name: "deleted", method: "GET", path: "/v1.0/users/{svc}", status: 404},
		{name: "delete again", method: "DELETE", path: "/v1.0/users/{svc}", status: 404, refused: true},
		{name: "app token: /me refused", method: "GET", path: "/v1.0/me", token: "app", status: 400},
		{name: "app token writes", method: "POST", path: "/v1.0/users/maria.garcia@contoso.com/revokeSignInSessions", token: "app", status: 200},
	})
	// every write is in AuditLogs once ingested (2-4 minutes)
	l.advance(5 * time.Minute)
	runSteps(t, l, vars, []step{
		{name: "audit: revoke", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("activityDisplayName eq 'Update StsRefreshTokenValidFrom Timestamp'"), status: 200, want: map[string]string{
			"value.#": "2", `value.#(initiatedBy.user.userPrincipalName=="analyst@contoso.com").loggedByService`: "Core Directory",
			`value.#(initiatedBy.app.displayName!="").targetResources.0.userPrincipalName`: "maria.garcia@contoso.com",
			"value.0.category": "UserManagement", "value.0.operationType": "Update", "value.0.result": "success"}},
		{name: "audit: disable", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("activityDisplayName eq 'Disable account'"), status: 200, want: map[string]string{
			"value.#": "1", "value.0.targetResources.0.id": alexID, "value.0.targetResources.0.modifiedProperties.0.displayName": "AccountEnabled",
			"value.0.targetResources.0.modifiedProperties.0.oldValue": "[true]", "value.0.targetResources.0.modifiedProperties.0.newValue": "[false]"}},
		{name: "audit: role removed", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("activityDisplayName eq 'Remove member from role'"), status: 200, want: map[string]string{
			"value.#": "2", "value.0.category": "RoleManagement", "value.0.operationType": "Unassign"}},
		{name: "audit: the attacker's own rows are there too", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("activityDisplayName eq 'Add user'"), status: 200, want: map[string]string{
			`value.#(initiatedBy.user.userPrincipalName=="alex.johnson@contoso.com").targetResources.0.userPrincipalName`: "svc-backup-admin@contoso.com"}},
		{name: "audit: the directory's Global Administrator assignment is the app's successful retry", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("activityDisplayName eq 'Add member to role' and result eq 'success'") + "&$orderby=activityDateTime", status: 200, want: map[string]string{
			`value.#(initiatedBy.app.displayName=="app-finance-reporting").activityDateTime`:     "2025-01-15T09:18:47Z",
			`value.#(initiatedBy.app.displayName=="app-finance-reporting").targetResources.0.id`: svcID}},
		{name: "sign-ins paged", method: "GET", path: "/v1.0/auditLogs/signIns?$filter=" + q("userPrincipalName eq 'alex.johnson@contoso.com'") + "&$top=2", status: 200, want: map[string]string{
			"value.#": "2", "@odata\\.nextLink": "*"}, capture: map[string]string{"sid": "value.0.id", "sid2": "value.1.id", "next": "@odata\\.nextLink"}},
		{name: "sign-in by id", method: "GET", path: "/v1.0/auditLogs/signIns/{sid}", status: 200, want: map[string]string{"id": "{sid}", "userPrincipalName": "alex.johnson@contoso.com"}},
		{name: "sign-in unknown id", method: "GET", path: "/v1.0/auditLogs/signIns/00000000-0000-0000-0000-000000000000", status: 404},
		{name: "sign-ins of the attacker", method: "GET", path: "/v1.0/auditLogs/signIns?$filter=" + q("userPrincipalName eq 'alex.johnson@contoso.com' and ipAddress eq '185.220.101.45'") + "&$top=5", status: 200, want: map[string]string{
			"value.0.userId": alexID, "value.0.status.errorCode": "*", "value.0.location.countryOrRegion": "RO", "value.0.isInteractive": "true",
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#auditLogs/signIns"}},
	})
}

// TestSignInPaging follows @odata.nextLink over a filtered sign-in list: pages do not repeat and
// the pushed-down query agrees with filtering everything.
func TestSignInPaging(t *testing.T) {
	l := newLab(t)
	filter := q("userPrincipalName eq 'alex.johnson@contoso.com'")
	_, all := l.do("GET", "/v1.0/auditLogs/signIns?$filter="+filter+"&$top=999", "a", "")
	want := gjson.Get(all, "value.#.id").Array()
	if len(want) < 5 {
		t.Fatalf("only %d sign-ins of alex", len(want))
	}
	var got []string
	path := "/v1.0/auditLogs/signIns?$filter=" + filter + "&$top=3"
	for path != "" {
		status, body := l.do("GET", path, "a", "")
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, body)
		}
		for _, id := range gjson.Get(body, "value.#.id").Array() {
			got = append(got, id.String())
		}
		path = strings.TrimPrefix(gjson.Get(body, "@odata\\.nextLink").String(), "https://graph.microsoft.com")
	}
	if len(got) != len(want) {
		t.Fatalf("paged %d sign-ins, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i].String() {
			t.Fatalf("page item %d = %s, want %s", i, got[i], want[i])
		}
	}
}

// TestConditionalAccess covers named locations and policies, good and bad input.
func TestConditionalAccess(t *testing.T) {
	l := newLab(t)
	vars := map[string]string{}
	const labLocation = `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"Blocked - Attack Source IPs","isTrusted":false,"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`
	bad := func(name, body, msg string) step {
		return step{name: name, method: "POST", path: "/v1.0/identity/conditionalAccess/namedLocations", body: body, status: 400, refused: true,
			want: map[string]string{"error.code": "BadRequest", "error.message": msg}}
	}
	policy := func(state, grant string) string {
		return `{"displayName":"Block - Attack Source IPs","state":"` + state + `","conditions":{"clientAppTypes":["all"],"applications":{"includeApplications":["All"]},"users":{"includeUsers":["All"]},"locations":{"includeLocations":["{loc}"]}}` + grant + `}`
	}
	const block = `,"grantControls":{"operator":"OR","builtInControls":["block"]}`
	badPolicy := func(name, body, msg string) step {
		return step{name: name, method: "POST", path: "/v1.0/identity/conditionalAccess/policies", body: body, status: 400, refused: true,
			want: map[string]string{"error.code": "BadRequest", "error.message": msg}}
	}
	runSteps(t, l, vars, []step{
		bad("no displayName", `{"@odata.type":"#microsoft.graph.ipNamedLocation","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`, "The displayName property is required and cannot be empty."),
		bad("no type", `{"displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`, "A type must be specified for a named location: '#microsoft.graph.ipNamedLocation' or '#microsoft.graph.countryNamedLocation'."),
		bad("no ranges", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[]}`, "The ipRanges property is required and must contain at least one IP range."),
		bad("range without type", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"cidrAddress":"185.220.101.0/24"}]}`, "ipRanges[0]: @odata.type must be '#microsoft.graph.iPv4CidrRange' or '#microsoft.graph.iPv6CidrRange'."),
		bad("bad CIDR", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.0.0.0/33"}]}`, "The IP range '185.0.0.0/33' is not a valid CIDR address."),
		bad("v6 in a v4 range", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"2001:db8::/32"}]}`, "The IP range '2001:db8::/32' does not match its type 'microsoft.graph.iPv4CidrRange'."),
		bad("too large", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"0.0.0.0/4"}]}`, "The IP range '0.0.0.0/4' is too large: ranges must have a prefix of /8 or longer."),
		bad("unknown property", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","foo":1,"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`, "The property 'foo' does not exist on type 'microsoft.graph.ipNamedLocation'. Make sure to only use property names that are defined by the type."),
		bad("bad country", `{"@odata.type":"#microsoft.graph.countryNamedLocation","displayName":"x","countriesAndRegions":["Romania"]}`, "'Romania' is not a valid two-letter ISO 3166 country or region code."),
		bad("not JSON", `{"@odata.type":`, "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."),
		{name: "create the lab's location", method: "POST", path: "/v1.0/identity/conditionalAccess/namedLocations", body: labLocation, status: 201, want: map[string]string{
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/namedLocations/$entity", "@odata\\.type": "#microsoft.graph.ipNamedLocation",
			"id": "*", "createdDateTime": "2025-01-15T10:05:00Z", "isTrusted": "false", "ipRanges.0.cidrAddress": "185.220.101.0/24"}, capture: map[string]string{"loc": "id"}},
		{name: "get it", method: "GET", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", status: 200, want: map[string]string{"displayName": "Blocked - Attack Source IPs"}},
		{name: "list with a lambda filter", method: "GET", path: "/v1.0/identity/conditionalAccess/namedLocations?$filter=" + q("ipRanges/any(r: r/cidrAddress eq '185.220.101.0/24')"), status: 200, want: map[string]string{"value.#": "1"}},
		badPolicy("policy: no grant", policy("enabled", ""), "Policy is invalid: a policy needs grant controls or session controls."),
		badPolicy("policy: bad state", policy("on", block), "Invalid value specified for property 'state' of resource 'microsoft.graph.conditionalAccessPolicy'."),
		badPolicy("policy: no users", `{"displayName":"x","state":"enabled","conditions":{"applications":{"includeApplications":["All"]},"users":{}}`+block+`}`, "Policy is invalid: conditions.users must include users, groups or roles."),
		badPolicy("policy: no applications", `{"displayName":"x","state":"enabled","conditions":{"users":{"includeUsers":["All"]}}`+block+`}`, "Policy is invalid: conditions.applications must include applications, user actions or authentication contexts."),
		badPolicy("policy: unknown location", strings.Replace(policy("enabled", block), "{loc}", "11111111-1111-1111-1111-111111111111", 1), "Policy is invalid: the named location '11111111-1111-1111-1111-111111111111' in conditions.locations.includeLocations does not exist."),
		badPolicy("policy: block with mfa", policy("enabled", `,"grantControls":{"operator":"OR","builtInControls":["block","mfa"]}`), "Policy is invalid: the block control cannot be combined with other grant controls."),
		badPolicy("policy: unknown user", strings.Replace(policy("enabled", block), `"includeUsers":["All"]`, `"includeUsers":["alex"]`, 1), "Policy is invalid: the user 'alex' in conditions.users.includeUsers does not exist in the directory."),
		{name: "create policy", method: "POST", path: "/v1.0/identity/conditionalAccess/policies", body: policy("enabled", block), status: 201, want: map[string]string{
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#identity/conditionalAccess/policies/$entity", "state": "enabled",
			"conditions.locations.includeLocations.0": "{loc}", "conditions.users.excludeGroups": "[]", "grantControls.builtInControls.0": "block",
			"modifiedDateTime": "!", "sessionControls": "!"}, capture: map[string]string{"pol": "id"}},
		{name: "list policies: the two standing ones and the new one", method: "GET", path: "/v1.0/identity/conditionalAccess/policies?$select=displayName,state", status: 200, want: map[string]string{
			"value.#": "3", "value.0.displayName": "Require MFA for all users", "value.2.displayName": "Block - Attack Source IPs"}},
		{name: "patch bad state", method: "PATCH", path: "/v1.0/identity/conditionalAccess/policies/{pol}", body: `{"state":"off"}`, status: 400, refused: true},
		{name: "patch to report-only", method: "PATCH", path: "/v1.0/identity/conditionalAccess/policies/{pol}", body: `{"state":"enabledForReportingButNotEnforced"}`, status: 204},
		{name: "patched", method: "GET", path: "/v1.0/identity/conditionalAccess/policies/{pol}", status: 200, want: map[string]string{"state": "enabledForReportingButNotEnforced", "modifiedDateTime": "2025-01-15T10:05:00Z", "conditions.locations.includeLocations.0": "{loc}"}},
		{name: "patch location range", method: "PATCH", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", body: `{"@odata.type":"#microsoft.graph.ipNamedLocation","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.0.0/16"}]}`, status: 204},
		{name: "patched location", method: "GET", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", status: 200, want: map[string]string{"ipRanges.0.cidrAddress": "185.220.0.0/16", "displayName": "Blocked - Attack Source IPs"}},
		{name: "patch location badly", method: "PATCH", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", body: `{"ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"nope"}]}`, status: 400, refused: true},
		{name: "delete location in use", method: "DELETE", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", status: 400, refused: true, want: map[string]string{
			"error.message": "The named location '{loc}' is used by the Conditional Access policy 'Block - Attack Source IPs' and cannot be deleted."}},
		{name: "delete unknown policy", method: "DELETE", path: "/v1.0/identity/conditionalAccess/policies/22222222-2222-2222-2222-222222222222", status: 404, refused: true},
		{name: "delete policy", method: "DELETE", path: "/v1.0/identity/conditionalAccess/policies/{pol}", status: 204},
		{name: "delete location", method: "DELETE", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", status: 204},
		{name: "deleted", method: "GET", path: "/v1.0/identity/conditionalAccess/namedLocations/{loc}", status: 404, want: map[string]string{"error.code": "Request_ResourceNotFound"}},
	})
	l.advance(5 * time.Minute)
	runSteps(t, l, vars, []step{
		{name: "audit", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("loggedByService eq 'Conditional Access'") + "&$orderby=activityDateTime", status: 200, want: map[string]string{
			"value.#": "6", `value.#(activityDisplayName=="Add named location").category`: "Policy",
			`value.#(activityDisplayName=="Add conditional access policy").targetResources.0.id`:                       "{pol}",
			`value.#(activityDisplayName=="Update conditional access policy").operationType`:                           "Update",
			`value.#(activityDisplayName=="Delete named location").targetResources.0.modifiedProperties.0.displayName`: "NamedLocation"}},
	})
}

// TestIdentityProtection covers riskyUsers, confirmCompromised, dismiss and riskDetections.
func TestIdentityProtection(t *testing.T) {
	l := newLab(t)
	alexID := generate.UserObjectID(l.a.ID, "alex.johnson@contoso.com")
	vars := map[string]string{"alex": alexID}
	runSteps(t, l, vars, []step{
		{name: "high-risk users", method: "GET", path: "/v1.0/identityProtection/riskyUsers?$filter=" + q("riskLevel eq 'high'"), status: 200, want: map[string]string{
			`value.#(userPrincipalName=="alex.johnson@contoso.com").riskState`: "atRisk", `value.#(userPrincipalName=="alex.johnson@contoso.com").id`: alexID}},
		{name: "detections of alex", method: "GET", path: "/v1.0/identityProtection/riskDetections?$filter=" + q("userId eq '{alex}' and ipAddress eq '185.220.101.45'"), status: 200, want: map[string]string{
			`value.#(riskEventType=="anonymizedIPAddress").detectionTimingType`: "realtime", `value.#(riskEventType=="anonymizedIPAddress").location.countryOrRegion`: "RO",
			`value.#(riskEventType=="unfamiliarFeatures").riskLevel`: "high", `value.#(riskEventType=="maliciousIPAddress")`: "!"}},
		{name: "confirm: bad body", method: "POST", path: "/v1.0/identityProtection/riskyUsers/confirmCompromised", body: `{"userIds":"x"}`, status: 400, refused: true},
		{name: "confirm: unknown user", method: "POST", path: "/v1.0/identityProtection/riskyUsers/confirmCompromised", body: `{"userIds":["{alex}","33333333-3333-3333-3333-333333333333"]}`, status: 400, refused: true},
		{name: "confirm", method: "POST", path: "/v1.0/identityProtection/riskyUsers/confirmCompromised", body: `{"userIds":["{alex}"]}`, status: 204},
		{name: "confirmed", method: "GET", path: "/v1.0/identityProtection/riskyUsers/{alex}", status: 200, want: map[string]string{
			"riskState": "confirmedCompromised", "riskLevel": "high", "riskDetail": "adminConfirmedUserCompromised",
			"@odata\\.context": "https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyUsers/$entity"}},
		{name: "dismiss", method: "POST", path: "/v1.0/identityProtection/riskyUsers/dismiss", body: `{"userIds":["{alex}"]}`, status: 204},
		{name: "dismissed", method: "GET", path: "/v1.0/identityProtection/riskyUsers/{alex}", status: 200, want: map[string]string{"riskState": "dismissed", "riskLevel": "none"}},
		{name: "detections follow", method: "GET", path: "/v1.0/identityProtection/riskDetections?$filter=" + q("userId eq '{alex}'") + "&$top=1", status: 200, want: map[string]string{"value.0.riskState": "dismissed"}},
		{name: "unknown risky user", method: "GET", path: "/v1.0/identityProtection/riskyUsers/44444444-4444-4444-4444-444444444444", status: 404},
	})
}

// TestIsolation: tenant B never sees or changes tenant A's directory objects.
func TestIsolation(t *testing.T) {
	l := newLab(t)
	alexA := generate.UserObjectID(l.a.ID, "alex.johnson@contoso.com")
	svcA := generate.UserObjectID(l.a.ID, "svc-backup-admin@contoso.com")
	vars := map[string]string{"alexA": alexA, "svcA": svcA, "tier2A": generate.GroupObjectID(l.a.ID, "SOC Tier 2"),
		"asgA": dir.AssignmentID(dir.GlobalAdministratorTemplateID, svcA)}
	loc := `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"A's","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`
	runSteps(t, l, vars, []step{
		{name: "A creates a location", method: "POST", path: "/v1.0/identity/conditionalAccess/namedLocations", body: loc, status: 201, capture: map[string]string{"locA": "id"}},
		{name: "A creates a policy", method: "POST", path: "/v1.0/identity/conditionalAccess/policies", status: 201, capture: map[string]string{"polA": "id"},
			body: `{"displayName":"A","state":"enabled","conditions":{"applications":{"includeApplications":["All"]},"users":{"includeUsers":["All"]},"locations":{"includeLocations":["{locA}"]}},"grantControls":{"operator":"OR","builtInControls":["block"]}}`},
		{name: "A disables alex", method: "PATCH", path: "/v1.0/users/{alexA}", body: `{"accountEnabled":false}`, status: 204},
	})
	l.advance(5 * time.Minute)
	for _, s := range []step{
		{name: "B: A's user id", method: "GET", path: "/v1.0/users/{alexA}", status: 404},
		{name: "B: its own alex is enabled", method: "GET", path: "/v1.0/users/alex.johnson@contoso.com?$select=id,accountEnabled", status: 200, want: map[string]string{"accountEnabled": "true", "id": generate.UserObjectID(l.b.ID, "alex.johnson@contoso.com")}},
		{name: "B: users list", method: "GET", path: "/v1.0/users?$filter=" + q("id eq '{alexA}'"), status: 200, want: map[string]string{"value.#": "0"}},
		{name: "B: A's group", method: "GET", path: "/v1.0/groups/{tier2A}", status: 404},
		{name: "B: A's group members", method: "GET", path: "/v1.0/groups/{tier2A}/members", status: 404},
		{name: "B: A's memberOf", method: "GET", path: "/v1.0/users/{alexA}/memberOf", status: 404},
		{name: "B: no attacker user (not launched)", method: "GET", path: "/v1.0/users/svc-backup-admin@contoso.com", status: 404},
		{name: "B: A's role assignment", method: "GET", path: "/v1.0/roleManagement/directory/roleAssignments/{asgA}", status: 404},
		{name: "B: delete A's role assignment", method: "DELETE", path: "/v1.0/roleManagement/directory/roleAssignments/{asgA}", status: 404, refused: true},
		{name: "B: A's location", method: "GET", path: "/v1.0/identity/conditionalAccess/namedLocations/{locA}", status: 404},
		{name: "B: locations", method: "GET", path: "/v1.0/identity/conditionalAccess/namedLocations", status: 200, want: map[string]string{"value.#": "0"}},
		{name: "B: A's policy", method: "GET", path: "/v1.0/identity/conditionalAccess/policies/{polA}", status: 404},
		{name: "B: patch A's policy", method: "PATCH", path: "/v1.0/identity/conditionalAccess/policies/{polA}", body: `{"state":"disabled"}`, status: 404, refused: true},
		{name: "B: delete A's location", method: "DELETE", path: "/v1.0/identity/conditionalAccess/namedLocations/{locA}", status: 404, refused: true},
		{name: "B: policies are the standing two", method: "GET", path: "/v1.0/identity/conditionalAccess/policies", status: 200, want: map[string]string{"value.#": "2"}},
		{name: "B: revoke A's user", method: "POST", path: "/v1.0/users/{alexA}/revokeSignInSessions", status: 404, refused: true},
		{name: "B: patch A's user", method: "PATCH", path: "/v1.0/users/{alexA}", body: `{"accountEnabled":true}`, status: 404, refused: true},
		{name: "B: confirm A's user", method: "POST", path: "/v1.0/identityProtection/riskyUsers/confirmCompromised", body: `{"userIds":["{alexA}"]}`, status: 400, refused: true},
		{name: "B: no risky users before its attack", method: "GET", path: "/v1.0/identityProtection/riskyUsers?$filter=" + q("id eq '{alexA}'"), status: 200, want: map[string]string{"value.#": "0"}},
		{name: "B: no A audits", method: "GET", path: "/v1.0/auditLogs/directoryAudits?$filter=" + q("activityDisplayName eq 'Disable account'"), status: 200, want: map[string]string{"value.#": "0"}},
		{name: "B: no A sign-ins", method: "GET", path: "/v1.0/auditLogs/signIns?$filter=" + q("userId eq '{alexA}'"), status: 200, want: map[string]string{"value.#": "0"}},
	} {
		s.token = "b"
		runSteps(t, l, vars, []step{s})
	}
	runSteps(t, l, vars, []step{
		{name: "A still has its objects", method: "GET", path: "/v1.0/identity/conditionalAccess/policies/{polA}", status: 200, want: map[string]string{"state": "enabled"}},
		{name: "A's alex still disabled", method: "GET", path: "/v1.0/users/{alexA}?$select=accountEnabled", status: 200, want: map[string]string{"accountEnabled": "false"}},
	})
}
