package server

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/defender"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/mockapis/hunting"
	"github.com/soclab/soclab/mockapis/loganalytics"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// queryServices adds the query APIs over one small log engine (12 users, 1 day) to s; the
// engine is built when the server starts and is returned through *engOut.
func queryServices(t *testing.T, s Services, engOut ...**logs.Engine) Services {
	var once sync.Once
	var eng *logs.Engine
	engine := func(w *simulator.World) *logs.Engine {
		defer func() {
			for _, o := range engOut {
				*o = eng
			}
		}()
		once.Do(func() {
			sc, err := scenario.LoadBuiltin("alex-johnson")
			if err != nil {
				t.Error(err)
				return
			}
			if eng, err = logs.New(w, sc, logs.Options{Users: 12, Days: 1}); err != nil {
				t.Error(err)
			}
		})
		return eng
	}
	s.LogAnalytics = func(w *simulator.World, v auth.Verifier) http.Handler { return loganalytics.NewHandler(engine(w), v) }
	s.Graph = func(w *simulator.World, v auth.Verifier) http.Handler {
		return graph.NewHandler(v, hunting.GraphRoutes(engine(w))...)
	}
	s.Defender = func(w *simulator.World, v auth.Verifier) http.Handler {
		return defender.NewHandler(v, hunting.DefenderRoutes(engine(w))...)
	}
	return s
}

// mintToken signs a client-credentials token for scope with keys at time now, for the
// running server's default tenant and service principal.
func (r *running) mintToken(t *testing.T, keys *aad.Keys, now time.Time, scope string) string {
	t.Helper()
	dir := oneTenant{ID: r.cred.TenantID, DisplayName: "Contoso", ServicePrincipals: []aad.ServicePrincipal{{AppID: r.cred.SPAppID, ObjectID: r.cred.SPAppID, Secret: r.cred.SPSecret}}}
	h := aad.NewHandler(aad.Config{Directory: dir, Keys: keys, Now: func() time.Time { return now }})
	form := url.Values{"client_id": {r.cred.SPAppID}, "client_secret": {r.cred.SPSecret}, "grant_type": {"client_credentials"}, "scope": {scope}}
	req := httptest.NewRequest(http.MethodPost, "https://login.microsoftonline.com/"+r.cred.TenantID+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("mint %s: %d %s", scope, rec.Code, rec.Body)
	}
	return tok.AccessToken
}

// TestEveryServiceChecksTokens sends each service a token for its own audience (answered),
// tokens for every other service's audience, an expired token and a token signed by another
// key: each is refused with 401 in that service's own error format and no data.
func TestEveryServiceChecksTokens(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state")
	r := startServerWith(t, state, queryServices(t, Services{}))
	keys, err := aad.LoadOrCreateKeys(state)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := aad.LoadOrCreateKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ws := simulator.NewGUID()
	services := []struct {
		name, scope, method, url, body string
		// the error code of each refusal, as that service words it
		wrongAud, expired, badSig string
	}{
		{"ARM", "https://management.core.windows.net//.default", "GET", "https://management.azure.com/subscriptions?api-version=2022-12-01", "",
			"InvalidAuthenticationTokenAudience", "ExpiredAuthenticationToken", "InvalidAuthenticationToken"},
		{"Log Analytics", "https://api.loganalytics.io/.default", "POST", "https://api.loganalytics.io/v1/workspaces/" + ws + "/query", `{"query":"print 1"}`,
			"InvalidTokenError", "InvalidTokenError", "InvalidTokenError"},
		{"Graph hunting", "https://graph.microsoft.com/.default", "POST", "https://graph.microsoft.com/v1.0/security/runHuntingQuery", `{"Query":"print 1"}`,
			"InvalidAuthenticationToken", "InvalidAuthenticationToken", "InvalidAuthenticationToken"},
		{"Defender hunting", "https://api.security.microsoft.com/.default", "POST", "https://api.security.microsoft.com/api/advancedhunting/run", `{"Query":"print 1"}`,
			"Unauthorized", "Unauthorized", "Unauthorized"},
	}
	now := time.Now()
	valid := map[string]string{}
	for _, s := range services {
		valid[s.name] = r.spToken(t, s.scope)
	}
	send := func(method, u, body, tok string) (int, string) {
		req, _ := http.NewRequest(method, u, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		status, b := r.do(t, req)
		return status, string(b)
	}
	for _, s := range services {
		if status, body := send(s.method, s.url, s.body, valid[s.name]); status == http.StatusUnauthorized || status >= 500 {
			t.Errorf("%s with its own token: %d %s", s.name, status, body)
		}
		refused := []struct{ what, tok, code string }{
			{"expired", r.mintToken(t, keys, now.Add(-3*time.Hour), s.scope), s.expired},
			{"signed by another key", r.mintToken(t, foreign, now, s.scope), s.badSig},
		}
		for _, o := range services {
			if o.name != s.name {
				refused = append(refused, struct{ what, tok, code string }{"token for " + o.name, valid[o.name], s.wrongAud})
			}
		}
		for _, x := range refused {
			status, body := send(s.method, s.url, s.body, x.tok)
			var e struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if status != http.StatusUnauthorized || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != x.code || e.Error.Message == "" {
				t.Errorf("%s, %s: %d %s\nwant 401 with error code %s", s.name, x.what, status, body, x.code)
			}
			if strings.Contains(body, r.cred.SubscriptionID) || strings.Contains(body, "PrimaryResult") || strings.Contains(body, `"Results"`) {
				t.Errorf("%s, %s: the refusal carries data: %s", s.name, x.what, body)
			}
		}
	}
}
