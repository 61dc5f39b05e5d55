package identity

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/soclab/soclab/simulator"
)

// Writer makes the learner's changes to the directory of now inside one transaction. Each
// method validates first and changes nothing when it refuses; accepted changes are applied to
// Dir at once (so later calls see them) and logged for Service.Write to store.
type Writer struct {
	// Dir is the directory of now, with this writer's changes applied.
	Dir     *Directory
	tx      *simulator.TenantTx
	caller  Caller
	events  []event
	records []record
}

func (w *Writer) emit(e event, recs ...record) {
	e.At = w.tx.Now().UTC()
	w.Dir.apply(e)
	w.events = append(w.events, e)
	w.records = append(w.records, recs...)
}

// userProperties are the user properties a PATCH may set, with their JSON kinds.
var userProperties = map[string]string{
	"accountEnabled": "bool", "displayName": "string", "jobTitle": "string", "department": "string", "officeLocation": "string",
	"mobilePhone": "string", "usageLocation": "string", "givenName": "string", "surname": "string", "companyName": "string",
	"city": "string", "country": "string", "passwordProfile": "object",
}

// auditNames are the names Entra's audit records give the user properties.
var auditNames = map[string]string{"accountEnabled": "AccountEnabled", "displayName": "DisplayName", "jobTitle": "JobTitle",
	"department": "Department", "officeLocation": "PhysicalDeliveryOfficeName", "mobilePhone": "Mobile", "usageLocation": "UsageLocation",
	"givenName": "GivenName", "surname": "Surname", "companyName": "CompanyName", "city": "City", "country": "Country"}

// PatchUser updates a user (PATCH /users/{id | upn}): accountEnabled, names, job properties,
// passwordProfile (an administrator's password reset).
func (w *Writer) PatchUser(key string, body map[string]any) error {
	u := w.Dir.UserByKey(key)
	if u == nil {
		return notFound(key)
	}
	for k, v := range body {
		kind, ok := userProperties[k]
		if !ok {
			return errorf(400, "Request_BadRequest", "Property '%s' does not exist as a declared property or extension property.", k)
		}
		switch kind {
		case "bool":
			if _, ok := v.(bool); !ok {
				return errorf(400, "Request_BadRequest", "Invalid value specified for property '%s' of resource 'User'.", k)
			}
		case "string":
			s, ok := v.(string)
			if !ok || k == "displayName" && strings.TrimSpace(s) == "" {
				return errorf(400, "Request_BadRequest", "Invalid value specified for property '%s' of resource 'User'.", k)
			}
		}
	}
	var password string
	if pp, present := body["passwordProfile"]; present {
		m, ok := pp.(map[string]any)
		if !ok {
			return errorf(400, "Request_BadRequest", "Invalid value specified for property 'passwordProfile' of resource 'User'.")
		}
		for k, v := range m {
			switch k {
			case "password":
				password, _ = v.(string)
			case "forceChangePasswordNextSignIn", "forceChangePasswordNextSignInWithMfa":
				if _, ok := v.(bool); !ok {
					return errorf(400, "Request_BadRequest", "Invalid value specified for property '%s' of resource 'PasswordProfile'.", k)
				}
			default:
				return errorf(400, "Request_BadRequest", "Property '%s' does not exist as a declared property or extension property.", k)
			}
		}
		if !complexEnough(password, u) {
			return errorf(400, "Request_BadRequest", "The specified password does not comply with password complexity requirements. Please provide a different password.")
		}
	}
	changes := map[string]any{}
	var mods []Modified
	var names []string
	before := u.Graph()
	for k, v := range body {
		if k == "passwordProfile" || fmt.Sprint(before[k]) == fmt.Sprint(v) {
			continue
		}
		changes[k] = v
		mods = append(mods, Modified{Name: auditNames[k], Old: "[" + jsonText(before[k]) + "]", New: "[" + jsonText(v) + "]"})
		names = append(names, auditNames[k])
	}
	if len(changes) > 0 {
		sortModified(mods)
		recs := []record{{act: ActUpdateUser, targets: []Target{userTarget(u, append(mods, Modified{Name: "Included Updated Properties", New: jsonText(strings.Join(sortedStrings(names), ", "))})...)}}}
		if v, ok := changes["accountEnabled"].(bool); ok {
			act := ActDisableAccount
			if v {
				act = ActEnableAccount
			}
			recs = append(recs, record{act: act, targets: []Target{userTarget(u, Modified{Name: "AccountEnabled", Old: "[" + jsonText(!v) + "]", New: "[" + jsonText(v) + "]"})}})
		}
		w.emit(event{Kind: evUserUpdate, Target: u.ID, Body: changes}, recs...)
	}
	if password != "" {
		w.emit(event{Kind: evUserPassword, Target: u.ID}, record{act: ActResetPassword, targets: []Target{userTarget(u)}})
	}
	return nil
}

// complexEnough is Entra's password rule: 8-256 characters, three of lower, upper, digit and
// symbol, and not containing the account name.
func complexEnough(p string, u *User) bool {
	if len(p) < 8 || len(p) > 256 {
		return false
	}
	var lower, upper, digit, other int
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	if lower+upper+digit+other < 3 {
		return false
	}
	name := strings.ToLower(localPart(u.UserPrincipalName))
	return name == "" || !strings.Contains(strings.ToLower(p), name)
}

// DeleteUser deletes a user (DELETE /users/{id | upn}); its role assignments and group
// memberships go with it.
func (w *Writer) DeleteUser(key string) error {
	u := w.Dir.UserByKey(key)
	if u == nil {
		return notFound(key)
	}
	w.emit(event{Kind: evUserDelete, Target: u.ID}, record{act: ActDeleteUser, targets: []Target{userTarget(u)}})
	return nil
}

// RevokeSessions invalidates the user's refresh tokens and session cookies
// (POST /users/{id | upn}/revokeSignInSessions).
func (w *Writer) RevokeSessions(key string) error {
	u := w.Dir.UserByKey(key)
	if u == nil {
		return notFound(key)
	}
	old := u.SignInSessionsValidFromDateTime
	now := w.tx.Now().UTC()
	w.emit(event{Kind: evUserRevoke, Target: u.ID}, record{act: ActRevokeSessions, targets: []Target{userTarget(u,
		Modified{Name: "StsRefreshTokensValidFrom", Old: "[" + jsonText(graphTime(old)) + "]", New: "[" + jsonText(graphTime(now)) + "]"},
		Modified{Name: "Included Updated Properties", New: `"StsRefreshTokensValidFrom"`})}})
	return nil
}

// AssignRole makes a directory-scoped role assignment (POST roleAssignments, or
// directoryRoles/{id}/members/$ref) and returns it.
func (w *Writer) AssignRole(principalID, roleDefinitionID, scope string) (*RoleAssignment, error) {
	if scope != "/" {
		return nil, errorf(400, "Request_BadRequest", "The directoryScopeId '%s' is not supported: use '/' for the tenant-wide scope.", scope)
	}
	var role *Role
	for _, r := range w.Dir.Roles {
		if strings.EqualFold(r.TemplateID, roleDefinitionID) {
			role = r
		}
	}
	if role == nil {
		return nil, notFound(roleDefinitionID)
	}
	u := w.Dir.UserByKey(principalID)
	if u == nil || !isGUID(principalID) {
		return nil, notFound(principalID)
	}
	id := AssignmentID(role.TemplateID, u.ID)
	if w.Dir.Assignment(id) != nil {
		return nil, errorf(400, "Request_BadRequest", "A conflicting object with one or more of the specified property values is present in the directory.")
	}
	a := &RoleAssignment{ID: id, PrincipalID: u.ID, RoleDefinitionID: role.TemplateID, DirectoryScopeID: "/", At: w.tx.Now().UTC()}
	w.emit(event{Kind: evRoleAssign, Target: id, Body: map[string]any{"id": id, "principalId": u.ID, "roleDefinitionId": role.TemplateID, "directoryScopeId": "/"}},
		record{act: ActAddRoleMember, targets: roleTargets(u, role)})
	return a, nil
}

// Unassign deletes a role assignment (DELETE roleAssignments/{id}).
func (w *Writer) Unassign(id string) error {
	a := w.Dir.Assignment(id)
	if a == nil {
		return notFound(id)
	}
	u := w.Dir.UserByKey(a.PrincipalID)
	var role *Role
	for _, r := range w.Dir.Roles {
		if strings.EqualFold(r.TemplateID, a.RoleDefinitionID) {
			role = r
		}
	}
	var targets []Target
	if u != nil && role != nil {
		targets = roleTargets(u, role)
	}
	w.emit(event{Kind: evRoleUnassign, Target: a.ID}, record{act: ActRemoveRoleMember, targets: targets})
	return nil
}

func roleTargets(u *User, r *Role) []Target {
	q := func(s string) string { return jsonText(s) }
	return []Target{
		userTarget(u, Modified{Name: "Role.ObjectID", New: q(r.ID)}, Modified{Name: "Role.DisplayName", New: q(r.DisplayName)},
			Modified{Name: "Role.TemplateId", New: q(r.TemplateID)}, Modified{Name: "Role.WellKnownObjectName", New: q(strings.ReplaceAll(r.DisplayName, " ", ""))}),
		{ID: r.ID, DisplayName: r.DisplayName, Type: "Role"},
	}
}

// PutLocation creates (old == nil) or replaces a validated named location.
func (w *Writer) PutLocation(loc, old map[string]any) {
	act := ActAddLocation
	oldText := ""
	if old != nil {
		act, oldText = ActUpdateLocation, jsonText(old)
	}
	w.emit(event{Kind: evLocationPut, Target: str(loc["id"]), Body: loc}, record{act: act, targets: []Target{{ID: str(loc["id"]),
		DisplayName: str(loc["displayName"]), Type: "Policy", Modified: []Modified{{Name: "NamedLocation", Old: oldText, New: jsonText(loc)}}}}})
}

// DeleteLocation deletes a named location no policy uses.
func (w *Writer) DeleteLocation(id string) error {
	loc := w.Dir.Location(id)
	if loc == nil {
		return notFound(id)
	}
	for _, p := range w.Dir.Policies {
		cond, _ := p["conditions"].(map[string]any)
		locs, _ := cond["locations"].(map[string]any)
		if contains(list(locs["includeLocations"]), id) || contains(list(locs["excludeLocations"]), id) {
			return errorf(400, "BadRequest", "The named location '%s' is used by the Conditional Access policy '%s' and cannot be deleted.", id, str(p["displayName"]))
		}
	}
	w.emit(event{Kind: evLocationDelete, Target: str(loc["id"])}, record{act: ActDeleteLocation, targets: []Target{{ID: str(loc["id"]),
		DisplayName: str(loc["displayName"]), Type: "Policy", Modified: []Modified{{Name: "NamedLocation", Old: jsonText(loc)}}}}})
	return nil
}

// PutPolicy creates (old == nil) or replaces a validated Conditional Access policy.
func (w *Writer) PutPolicy(p, old map[string]any) {
	act := ActAddPolicy
	oldText := ""
	if old != nil {
		act, oldText = ActUpdatePolicy, jsonText(old)
	}
	w.emit(event{Kind: evPolicyPut, Target: str(p["id"]), Body: p}, record{act: act, targets: []Target{{ID: str(p["id"]),
		DisplayName: str(p["displayName"]), Type: "Policy", Modified: []Modified{{Name: "ConditionalAccessPolicy", Old: oldText, New: jsonText(p)}}}}})
}

// DeletePolicy deletes a Conditional Access policy.
func (w *Writer) DeletePolicy(id string) error {
	p := w.Dir.Policy(id)
	if p == nil {
		return notFound(id)
	}
	w.emit(event{Kind: evPolicyDelete, Target: str(p["id"])}, record{act: ActDeletePolicy, targets: []Target{{ID: str(p["id"]),
		DisplayName: str(p["displayName"]), Type: "Policy", Modified: []Modified{{Name: "ConditionalAccessPolicy", Old: jsonText(p)}}}}})
	return nil
}

// SetRisk records an administrator's decision on risky users: confirm (confirmCompromised:
// high, confirmedCompromised) or dismiss (none, dismissed). Every id must be a user.
func (w *Writer) SetRisk(userIDs []string, confirm bool) error {
	if len(userIDs) == 0 {
		return errorf(400, "BadRequest", "The userIds parameter is required and must list at least one user id.")
	}
	if len(userIDs) > 60 {
		return errorf(400, "BadRequest", "At most 60 user ids can be sent in one request.")
	}
	var users []*User
	for _, id := range userIDs {
		u := w.Dir.UserByKey(id)
		if !isGUID(id) || u == nil {
			return errorf(400, "BadRequest", "The user id '%s' is not a valid user in this tenant.", id)
		}
		users = append(users, u)
	}
	state, level, detail, act := "dismissed", "none", "adminDismissedAllRiskForUser", ActDismissRisk
	if confirm {
		state, level, detail, act = "confirmedCompromised", "high", "adminConfirmedUserCompromised", ActConfirmRisk
	}
	for _, u := range users {
		w.emit(event{Kind: evRiskSet, Target: u.ID, Body: map[string]any{"riskState": state, "riskLevel": level, "riskDetail": detail}},
			record{act: act, targets: []Target{userTarget(u, Modified{Name: "RiskState", New: jsonText(state)})}})
	}
	return nil
}

func sortModified(m []Modified) { sort.Slice(m, func(i, j int) bool { return m[i].Name < m[j].Name }) }

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
