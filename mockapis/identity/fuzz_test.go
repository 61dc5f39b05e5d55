package identity

import (
	"strings"
	"testing"

	"github.com/tidwall/gjson"
)

// FuzzWriteBodies sends arbitrary bodies to the routes that take one: never a panic or a 500,
// only Graph's answers; a refused body stores nothing.
func FuzzWriteBodies(f *testing.F) {
	l := newLab(f)
	// a location and a policy to PATCH
	_, body := l.do("POST", "/v1.0/identity/conditionalAccess/namedLocations", "a", `{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.220.101.0/24"}]}`)
	loc := gjson.Get(body, "id").String()
	_, body = l.do("POST", "/v1.0/identity/conditionalAccess/policies", "a", `{"displayName":"p","state":"enabled","conditions":{"applications":{"includeApplications":["All"]},"users":{"includeUsers":["All"]},"locations":{"includeLocations":["`+loc+`"]}},"grantControls":{"operator":"OR","builtInControls":["block"]}}`)
	pol := gjson.Get(body, "id").String()
	if loc == "" || pol == "" {
		f.Fatalf("setup: %s", body)
	}
	routes := []struct{ method, path string }{
		{"POST", "/v1.0/identity/conditionalAccess/namedLocations"},
		{"POST", "/v1.0/identity/conditionalAccess/policies"},
		{"PATCH", "/v1.0/users/alex.johnson@contoso.com"},
		{"POST", "/v1.0/roleManagement/directory/roleAssignments"},
		{"POST", "/v1.0/identityProtection/riskyUsers/dismiss"},
		{"POST", "/v1.0/directoryRoles/roleTemplateId=62e90394-69f5-4237-9190-012177145e10/members/$ref"},
		{"PATCH", "/v1.0/identity/conditionalAccess/namedLocations/" + loc},
		{"PATCH", "/v1.0/identity/conditionalAccess/policies/" + pol},
	}
	for i := range routes {
		for _, seed := range []string{
			`{"@odata.type":"#microsoft.graph.ipNamedLocation","displayName":"x","ipRanges":[{"@odata.type":"#microsoft.graph.iPv4CidrRange","cidrAddress":"185.0.0.0/24"}]}`,
			`{"@odata.type":"#microsoft.graph.countryNamedLocation","displayName":"x","countriesAndRegions":["RO"]}`,
			`{"displayName":"p","state":"enabled","conditions":{"applications":{"includeApplications":["All"]},"users":{"includeUsers":["All"]}},"grantControls":{"operator":"OR","builtInControls":["mfa"]}}`,
			`{"accountEnabled":false,"passwordProfile":{"password":"Aa1!aaaaaaa"}}`,
			`{"principalId":"x","roleDefinitionId":"62e90394-69f5-4237-9190-012177145e10"}`,
			`{"userIds":["x"]}`, `{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/x"}`,
			`{"conditions":{"users":[]}}`, `[]`, `null`, `{"ipRanges":[1]}`, `{"conditions":{"locations":{"includeLocations":[7]}}}`,
			`{"@odata.type":7}`, `{"state":"disabled"}`, `{"displayName":""}`,
		} {
			f.Add(uint8(i), seed)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		rt := routes[int(route)%len(routes)]
		l.t = t // the lab's helpers report on this iteration
		before := l.digest(l.a.ID)
		status, resp := l.do(rt.method, rt.path, "a", body)
		switch status {
		case 200, 201, 204:
		case 400, 404:
			if l.digest(l.a.ID) != before {
				t.Fatalf("%s %s %q: refused with %d but stored something", rt.method, rt.path, body, status)
			}
			if !strings.HasPrefix(resp, `{"error":{"code":"`) {
				t.Fatalf("%s %s %q: %d without an OData error: %s", rt.method, rt.path, body, status, resp)
			}
		default:
			t.Fatalf("%s %s %q: status %d: %s", rt.method, rt.path, body, status, resp)
		}
	})
}
