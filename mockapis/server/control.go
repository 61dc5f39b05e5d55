package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/simulator"
)

// Credentials is the answer of GET /_soclab/credentials: what `soclab env` exports.
type Credentials struct {
	TenantName     string `json:"tenantName"`
	TenantID       string `json:"tenantId"`
	Domain         string `json:"domain"`
	SubscriptionID string `json:"subscriptionId"`
	SPAppID        string `json:"spAppId"`
	SPSecret       string `json:"spSecret"`
	// User and UserPassword are the tenant's first user (the SOC analyst), for
	// `az login -u "$SOCLAB_USER" -p "$SOCLAB_USER_PASSWORD"`.
	User         string `json:"user,omitempty"`
	UserPassword string `json:"userPassword,omitempty"`
	// ControlToken is the tenant's control token, which `soclab env` exports as SOCLAB_TOKEN.
	ControlToken string `json:"controlToken,omitempty"`
}

// ApproveRequest is the body of POST /_soclab/login/approve.
type ApproveRequest struct {
	// Code is the user code az printed.
	Code string `json:"code"`
	// User is the UPN to sign in as; empty means the tenant's first user (the SOC analyst).
	User string `json:"user,omitempty"`
	// Tenant picks the tenant (name, id or domain) when the sign-in names none; empty means
	// the default tenant.
	Tenant string `json:"tenant,omitempty"`
}

// ApproveResponse is the answer of a successful approval.
type ApproveResponse struct {
	TenantID string `json:"tenantId"`
	User     string `json:"user"`
}

// controlMux serves the /_soclab/ endpoints of this package and passes the rest on.
type controlMux struct {
	world   *simulator.World
	login   *aad.Handler
	info    Info
	version string
	extra   http.Handler
	tokens  *controlauth.Tokens
	caPEM   []byte
	// authed is the token-checked part of the chain: credentials, approval, extra.
	authed http.Handler
}

func newControl(world *simulator.World, login *aad.Handler, info Info, version string, extra http.Handler, tokens *controlauth.Tokens, caPEM []byte) http.Handler {
	c := &controlMux{world: world, login: login, info: info, version: version, extra: extra, tokens: tokens, caPEM: caPEM}
	guard := &controlauth.Guard{
		Tokens:         tokens,
		Resolve:        func(ref string) (string, error) { t, err := world.LookupTenant(ref); return t.Name, err },
		DefaultTenant:  simulator.DefaultTenantName,
		InstructorOnly: instructorOnly,
	}
	c.authed = guard.Wrap(http.HandlerFunc(c.serveAuthed))
	return c
}

// instructorOnly reports the control paths a tenant's token may not call: all but those that
// act on one tenant named by the `tenant` query parameter or body field. Deny by default, so
// an endpoint over every tenant added later is not open to learners by mistake; a new
// per-tenant endpoint is added here and to the cross-tenant test (cmd/soclab/controlauth_test.go).
func instructorOnly(path string) bool {
	switch path {
	case "credentials", "login/approve", "clock", "reset", "attack", "faults", "kql", "grade", "snapshot",
		"engine", "engine/wait", "xdr/settings", "copilot/ask", "copilot/sessions", "copilot/plugins", "copilot/promptbook", "answers", "portal/link":
		return false
	}
	for _, prefix := range []string{"clock/", "attack/", "faults/"} {
		if strings.HasPrefix(path, prefix) {
			return false
		}
	}
	return true
}

func (c *controlMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_soclab")
	// A browser on this machine is a loopback caller too: a page of another site must not
	// post here (CSRF) nor read answers under its own host name (DNS rebinding).
	if crossSite(r) {
		controlError(w, http.StatusForbidden, "Forbidden", "soclab control endpoints refuse requests from other sites (Origin "+r.Header.Get("Origin")+")")
		return
	}
	// The health check and the lab CA's certificate are for anyone who can reach the port.
	switch path {
	case "/health":
		c.health(w, r)
		return
	case "/ca.pem":
		c.caCertificate(w, r)
		return
	}
	// Passwords and tokens never cross the network in clear: off this machine, only HTTPS.
	if r.TLS == nil && !fromLoopback(r) {
		msg := "soclab control endpoints and the sign-in page answer other machines only over HTTPS"
		if u := c.info.RemoteURL; u != "" {
			msg += ": use " + u + "/_soclab" + path
		}
		controlError(w, http.StatusForbidden, "Forbidden", msg)
		return
	}
	// The sign-in page authenticates by the user's password.
	if path == "/devicelogin" {
		c.deviceLoginPage(w, r)
		return
	}
	if r.TLS == nil && !addressedByIP(r.Host) {
		controlError(w, http.StatusForbidden, "Forbidden", "soclab control endpoints answer only requests addressed to an IP address or localhost (not "+r.Host+")")
		return
	}
	c.authed.ServeHTTP(w, r)
}

// serveAuthed serves the requests whose control token the guard accepted.
func (c *controlMux) serveAuthed(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/_soclab")
	switch {
	case path == "/credentials" && r.Method == http.MethodGet:
		c.credentials(w, r)
	case path == "/login/approve" && r.Method == http.MethodPost:
		c.approve(w, r)
	case c.extra != nil:
		c.extra.ServeHTTP(w, r)
	default:
		controlError(w, http.StatusNotFound, "NotFound", "no control endpoint "+r.Method+" "+r.URL.Path)
	}
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(host)
	return err == nil && ip != nil && ip.IsLoopback()
}

// crossSite reports a browser request whose Origin is not this server's own address.
func crossSite(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	u, err := url.Parse(origin)
	return err != nil || !strings.EqualFold(u.Host, r.Host)
}

// addressedByIP reports whether the Host header names an IP address or localhost, as every
// soclab client does; a DNS name there is a rebinding page or a stray client.
func addressedByIP(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	return strings.EqualFold(host, "localhost") || net.ParseIP(host) != nil
}

// controlError is the control API's error body, shaped like ARM's.
func controlError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": message}})
}

func (c *controlMux) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "version": c.version, "addr": c.info.Addr, "pid": os.Getpid(), "started": c.info.Started})
}

// caCertificate serves the lab CA's certificate (public) for learners on other machines; they
// check it against the fingerprint `soclab serve --allow-remote` prints.
func (c *controlMux) caCertificate(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		controlError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET")
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Write(c.caPEM)
}

func (c *controlMux) tenant(name string) (simulator.Tenant, error) {
	if name == "" {
		name = simulator.DefaultTenantName
	}
	return c.world.LookupTenant(name)
}

func (c *controlMux) credentials(w http.ResponseWriter, r *http.Request) {
	t, err := c.tenant(r.URL.Query().Get("tenant"))
	if err != nil {
		controlError(w, http.StatusNotFound, "TenantNotFound", err.Error())
		return
	}
	cred := Credentials{TenantName: t.Name, TenantID: t.ID, Domain: t.Domain, SubscriptionID: t.Subscription.ID, SPAppID: t.ServicePrincipal.AppID, SPSecret: t.ServicePrincipal.Secret}
	if len(t.Users) > 0 {
		cred.User, cred.UserPassword = t.Users[0].UserPrincipalName, t.Users[0].Password
	}
	if cred.ControlToken, err = c.tokens.TenantToken(t.Name); err != nil {
		controlError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, cred)
}

// approveCode signs a pending device sign-in in; it backs both the API and the page. A
// password is required when the approval comes from another machine (a classroom server).
func (c *controlMux) approveCode(req ApproveRequest, password string, checkPassword bool, onlyTenantID string) (ApproveResponse, int, error) {
	if strings.TrimSpace(req.Code) == "" {
		return ApproveResponse{}, http.StatusBadRequest, errors.New("the device code is missing")
	}
	defTenant := simulator.DefaultTenantName
	if req.Tenant != "" {
		defTenant = req.Tenant
	}
	t, u, err := c.login.ApproveDeviceCode(aad.Approval{UserCode: req.Code, UPN: req.User, DefaultTenant: defTenant, Password: password, CheckPassword: checkPassword, OnlyTenant: onlyTenantID})
	switch {
	case errors.Is(err, aad.ErrBadPassword):
		return ApproveResponse{}, http.StatusUnauthorized, err
	case errors.Is(err, aad.ErrWrongTenant):
		return ApproveResponse{}, http.StatusForbidden, err
	case errors.Is(err, aad.ErrUnknownCode), errors.Is(err, aad.ErrNotFound):
		return ApproveResponse{}, http.StatusNotFound, err
	case errors.Is(err, aad.ErrCodeExpired), errors.Is(err, aad.ErrCodeUsed):
		return ApproveResponse{}, http.StatusConflict, err
	case err != nil:
		return ApproveResponse{}, http.StatusInternalServerError, err
	}
	return ApproveResponse{TenantID: t.ID, User: u.UPN}, http.StatusOK, nil
}

func (c *controlMux) approve(w http.ResponseWriter, r *http.Request) {
	var req ApproveRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			controlError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("the request content size exceeds the maximum allowed %d bytes for this endpoint", tooLarge.Limit))
			return
		}
		controlError(w, http.StatusBadRequest, "InvalidRequestContent", fmt.Sprintf("the body must be JSON {\"code\":...}: %v", err))
		return
	}
	// The control token stands for the password; a tenant's token signs in only to its tenant.
	onlyTenant := ""
	if caller, ok := controlauth.CallerFrom(r.Context()); ok && !caller.Instructor {
		t, err := c.world.TenantByName(caller.TenantName)
		if err != nil {
			controlError(w, http.StatusForbidden, "Forbidden", err.Error())
			return
		}
		onlyTenant = t.ID
	}
	resp, status, err := c.approveCode(req, "", false, onlyTenant)
	if err != nil {
		controlError(w, status, strings.ReplaceAll(http.StatusText(status), " ", ""), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

var deviceLoginTemplate = template.Must(template.New("devicelogin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account (soclab)</title>
<style>body{font-family:Segoe UI,Helvetica,Arial,sans-serif;max-width:30em;margin:4em auto;color:#1b1b1b}
input{font-size:1.1em;padding:.4em;width:100%;box-sizing:border-box;margin:.3em 0 1em}button{font-size:1em;padding:.5em 2em;background:#0067b8;color:#fff;border:0}
.ok{color:#107c10}.err{color:#a4262c}</style></head><body>
<h1>Enter code</h1>
{{if .Done}}<p class="ok">Signed in as <b>{{.User}}</b>. You can close this page and return to the command line.</p>{{end}}
{{if .Error}}<p class="err">{{.Error}}</p>{{end}}
{{if not .Done}}<p>Enter the code az displayed to sign in to the soclab lab.</p>
<form method="post" action="/_soclab/devicelogin">
<label>Code<input name="code" value="{{.Code}}" autofocus autocomplete="off"></label>
<label>Sign in as (user principal name, e.g. {{.DefaultUser}})<input name="user" value="{{.User}}"></label>
<label>Password<input name="password" type="password"></label>
<button type="submit">Next</button></form>{{end}}
</body></html>
`))

// deviceLoginView is what the sign-in page shows. The page always asks for the user's
// password: anyone who can reach it, on this machine too, must prove who they sign in as.
type deviceLoginView struct {
	Code, User, DefaultUser, Error string
	Done                           bool
}

func (c *controlMux) deviceLoginPage(w http.ResponseWriter, r *http.Request) {
	view := deviceLoginView{DefaultUser: "analyst@contoso.com"}
	if t, err := c.tenant(""); err == nil && len(t.Users) > 0 {
		view.DefaultUser = t.Users[0].UserPrincipalName
	}
	status := http.StatusOK
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		view.Code = r.URL.Query().Get("code")
	case http.MethodPost:
		if err := r.ParseForm(); err != nil {
			status, view.Error = http.StatusBadRequest, "The form could not be read: "+err.Error()
			break
		}
		view.Code, view.User = r.PostForm.Get("code"), r.PostForm.Get("user")
		resp, st, err := c.approveCode(ApproveRequest{Code: view.Code, User: view.User}, r.PostForm.Get("password"), true, "")
		if err != nil {
			status, view.Error = st, err.Error()
			break
		}
		view.Done, view.User = true, resp.User
	default:
		controlError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "use GET or POST")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	deviceLoginTemplate.Execute(w, view)
}
