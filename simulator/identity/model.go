package identity

import (
	"fmt"
	"time"
)

// User is a directory user with the properties Graph's user resource carries.
type User struct {
	ID, UserPrincipalName, DisplayName, GivenName, Surname  string
	Mail, JobTitle, Department, OfficeLocation, MobilePhone string
	EmployeeID, CompanyName, City, Country, UsageLocation   string
	UserType                                                string
	AccountEnabled                                          bool
	CreatedDateTime, LastPasswordChangeDateTime             time.Time
	// SignInSessionsValidFromDateTime: refresh tokens and session cookies issued before it are
	// invalid (revokeSignInSessions sets it to now; so does a password reset).
	SignInSessionsValidFromDateTime time.Time
	// Groups and Roles are the ids of the groups and activated directory roles it belongs to.
	Groups []string
	// passwordSets are the times the password was set (a password used before the last one
	// fails).
	passwordSets []passwordSet
}

type passwordSet struct {
	At time.Time
}

// UserDefaultProperties are the properties Graph v1.0 returns for a user without $select.
var UserDefaultProperties = []string{"businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}

// Graph is the user as a Graph object with every property this directory knows.
func (u *User) Graph() map[string]any {
	return map[string]any{
		"id": u.ID, "businessPhones": []any{}, "displayName": u.DisplayName, "givenName": nullable(u.GivenName),
		"jobTitle": nullable(u.JobTitle), "mail": nullable(u.Mail), "mobilePhone": nullable(u.MobilePhone),
		"officeLocation": nullable(u.OfficeLocation), "preferredLanguage": nil, "surname": nullable(u.Surname),
		"userPrincipalName": u.UserPrincipalName, "accountEnabled": u.AccountEnabled, "department": nullable(u.Department),
		"employeeId": nullable(u.EmployeeID), "companyName": nullable(u.CompanyName), "city": nullable(u.City),
		"country": nullable(u.Country), "usageLocation": nullable(u.UsageLocation), "userType": u.UserType,
		"createdDateTime": graphTime(u.CreatedDateTime), "lastPasswordChangeDateTime": graphTime(u.LastPasswordChangeDateTime),
		"signInSessionsValidFromDateTime": graphTime(u.SignInSessionsValidFromDateTime),
		"mailNickname":                    localPart(u.UserPrincipalName), "onPremisesSyncEnabled": nil,
		"passwordPolicies": nil, "creationType": nil, "externalUserState": nil,
	}
}

// Group is a security group.
type Group struct {
	ID, DisplayName, Description string
	CreatedDateTime              time.Time
	// Members are user ids.
	Members []string
}

// Graph is the group as Graph's group resource shows it.
func (g *Group) Graph() map[string]any {
	return map[string]any{
		"id": g.ID, "deletedDateTime": nil, "classification": nil, "createdDateTime": graphTime(g.CreatedDateTime),
		"creationOptions": []any{}, "description": nullable(g.Description), "displayName": g.DisplayName,
		"expirationDateTime": nil, "groupTypes": []any{}, "isAssignableToRole": nil, "mail": nil, "mailEnabled": false,
		"mailNickname": mailNickname(g.DisplayName), "membershipRule": nil, "membershipRuleProcessingState": nil,
		"onPremisesSyncEnabled": nil, "preferredDataLocation": nil, "preferredLanguage": nil, "proxyAddresses": []any{},
		"renewedDateTime": graphTime(g.CreatedDateTime), "resourceBehaviorOptions": []any{}, "resourceProvisioningOptions": []any{},
		"securityEnabled": true, "securityIdentifier": nil, "theme": nil, "visibility": nil, "onPremisesProvisioningErrors": []any{},
		"serviceProvisioningErrors": []any{},
	}
}

// Role is an activated directory role (Graph directoryRole) of a built-in role template.
type Role struct {
	ID, DisplayName, Description, TemplateID string
}

// Graph is the role as Graph's directoryRole resource shows it.
func (r *Role) Graph() map[string]any {
	return map[string]any{"id": r.ID, "deletedDateTime": nil, "description": r.Description, "displayName": r.DisplayName, "roleTemplateId": r.TemplateID}
}

// RoleDefinitionGraph is the unifiedRoleDefinition of a built-in role (its id is the template id).
func (r *Role) RoleDefinitionGraph() map[string]any {
	return map[string]any{
		"id": r.TemplateID, "description": r.Description, "displayName": r.DisplayName, "isBuiltIn": true, "isEnabled": true,
		"resourceScopes": []any{"/"}, "templateId": r.TemplateID, "version": "1", "inheritsPermissionsFrom": []any{},
		"rolePermissions": []any{map[string]any{"allowedResourceActions": roleActions(r.TemplateID), "condition": nil, "excludedResourceActions": []any{}}},
	}
}

// RoleAssignment is a unifiedRoleAssignment at the directory scope.
type RoleAssignment struct {
	ID, PrincipalID, RoleDefinitionID, DirectoryScopeID string
	// At is when it was made (zero for the cast's standing assignments).
	At time.Time
}

// Graph is the assignment as Graph's unifiedRoleAssignment shows it.
func (a *RoleAssignment) Graph() map[string]any {
	return map[string]any{"id": a.ID, "principalId": a.PrincipalID, "roleDefinitionId": a.RoleDefinitionID,
		"directoryScopeId": a.DirectoryScopeID, "appScopeId": nil, "condition": nil, "principalOrganizationId": nil,
		"resourceScope": a.DirectoryScopeID}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// graphTime formats a time as Graph does (UTC, seconds, Z); zero is null.
func graphTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func localPart(upn string) string {
	for i := 0; i < len(upn); i++ {
		if upn[i] == '@' {
			return upn[:i]
		}
	}
	return upn
}

func mailNickname(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' {
			b = append(b, c)
		}
	}
	return string(b)
}

// roleActions is a short, real excerpt of a built-in role's permissions (Graph lists hundreds
// for Global Administrator; the lab shows the characteristic ones).
func roleActions(templateID string) []any {
	switch templateID {
	case GlobalAdministratorTemplateID:
		return []any{"microsoft.directory/users/allProperties/allTasks", "microsoft.directory/roleAssignments/allProperties/allTasks", "microsoft.directory/conditionalAccessPolicies/allProperties/allTasks"}
	case "fe930be7-5e62-47db-91af-98c3a49a38b1":
		return []any{"microsoft.directory/users/create", "microsoft.directory/users/delete", "microsoft.directory/users/password/update", "microsoft.directory/users/invalidateAllRefreshTokens"}
	}
	return []any{"microsoft.directory/users/standard/read"}
}

// GlobalAdministratorTemplateID is the built-in Global Administrator role's template id.
const GlobalAdministratorTemplateID = "62e90394-69f5-4237-9190-012177145e10"

// Error is a refused directory operation in Graph's terms: HTTP status, OData code, message.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// notFound is Graph's directory 404 for an object id or key.
func notFound(key string) *Error {
	return errorf(404, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", key)
}
