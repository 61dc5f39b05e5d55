package graph

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/soclab/soclab/mockapis/auth"
)

type anyToken struct{}

func (anyToken) Verify(*http.Request, ...string) (auth.Principal, error) {
	return auth.Principal{TenantID: "t"}, nil
}

// TestUnknownPathNamesFirstUnresolvedSegment: Graph's 400 for an unknown path names the first
// segment no route continues with, not simply the last one.
func TestUnknownPathNamesFirstUnresolvedSegment(t *testing.T) {
	ok := func(*Request) (Response, error) { return Response{Body: map[string]any{}}, nil }
	srv := httptest.NewServer(NewHandler(anyToken{},
		Route{Method: http.MethodPost, Path: "/security/runHuntingQuery", Handle: ok},
		Route{Method: http.MethodGet, Path: "/security/incidents/{id}", Handle: ok}))
	defer srv.Close()
	for _, c := range []struct{ method, path, segment string }{
		{"POST", "/v1.0/users/alex.johnson@contoso.com/revokeSignInSessions", "users"},
		{"GET", "/v1.0/groups?$filter=displayName%20eq%20'SOC%20Tier%202'", "groups"},
		{"POST", "/v1.0/identity/conditionalAccess/namedLocations", "identity"},
		{"GET", "/v1.0/security/alerts_v2", "alerts_v2"},
		{"GET", "/beta/security/incidents/7/alerts", "alerts"},
		{"GET", "/v1.0/security", "security"},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `{"error":{"code":"BadRequest","message":"Resource not found for the segment '` + c.segment + `'.",`
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(string(body), want) {
			t.Errorf("%s %s: %d %s\nwant 400 %s...", c.method, c.path, resp.StatusCode, body, want)
		}
	}
}

// TestPanicIsA500: a handler's panic is answered with Graph's 500 envelope.
func TestPanicIsA500(t *testing.T) {
	srv := httptest.NewServer(NewHandler(anyToken{}, Route{Method: http.MethodGet, Path: "/boom", Handle: func(*Request) (Response, error) { panic("boom") }}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/v1.0/boom")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || !strings.HasPrefix(string(body), `{"error":{"code":"InternalServerError","message":"boom",`) {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
}
