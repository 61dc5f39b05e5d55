package controlauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// MaxBody bounds the control request bodies the guard reads to find the tenant they name
// (the largest control body, a KQL query, is limited to 1 MiB by its handler too).
const MaxBody = 1 << 20

// Guard is the control chain's authorisation middleware.
type Guard struct {
	// Tokens are the valid tokens.
	Tokens *Tokens
	// Resolve maps a tenant reference (name, id or domain) to the tenant's name.
	Resolve func(ref string) (string, error)
	// DefaultTenant is the tenant a request that names none acts on (the handlers' default).
	DefaultTenant string
	// InstructorOnly reports the paths (without /_soclab/) only the instructor may call:
	// endpoints over every tenant, such as the tenant list, and whatever is not known to act
	// on one named tenant.
	InstructorOnly func(path string) bool
}

type callerKey struct{}

// CallerFrom returns the caller the guard let through, for handlers that need it.
func CallerFrom(ctx context.Context) (Caller, bool) {
	c, ok := ctx.Value(callerKey{}).(Caller)
	return c, ok
}

// BearerToken returns the token of an `Authorization: Bearer` header, or "".
func BearerToken(r *http.Request) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// Wrap lets through to next only requests whose token may act on every tenant they name.
func (g *Guard) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := BearerToken(r)
		if tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="soclab"`)
			WriteError(w, http.StatusUnauthorized, "Unauthorized",
				"soclab control endpoints need a control token in 'Authorization: Bearer <token>': `soclab env` exports SOCLAB_TOKEN for a tenant, `soclab tenant add` prints it, and the instructor's is "+InstructorFile+" in the state folder")
			return
		}
		caller, ok := g.Tokens.Lookup(tok)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="soclab", error="invalid_token"`)
			WriteError(w, http.StatusUnauthorized, "Unauthorized", "the control token is not valid for this soclab server")
			return
		}
		if !caller.Instructor {
			if status, code, msg := g.check(r, caller); status != 0 {
				WriteError(w, status, code, msg)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, caller)))
	})
}

// check decides whether a tenant's token may make request r; a zero status means yes.
func (g *Guard) check(r *http.Request, c Caller) (status int, code, msg string) {
	path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
	if g.InstructorOnly != nil && g.InstructorOnly(path) {
		return http.StatusForbidden, "Forbidden", fmt.Sprintf("/_soclab/%s is not open to a tenant's control token and needs the instructor's token (the token of tenant %s acts only on %s's own endpoints)", path, c.TenantName, c.TenantName)
	}
	named, err := g.namedTenants(r)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("the request content size exceeds the maximum allowed %d bytes", MaxBody)
	case err != nil:
		return http.StatusBadRequest, "InvalidRequestContent", err.Error()
	}
	for _, n := range named {
		name, err := g.Resolve(n.ref)
		if err != nil || name != c.TenantName {
			// Unknown and foreign tenants get the same answer: a token does not learn which exist.
			msg := fmt.Sprintf("the control token of tenant %s cannot act on tenant %q", c.TenantName, n.ref)
			if n.implied {
				msg += fmt.Sprintf(", the default of a request that names no tenant; name yours (%s) in the tenant query parameter, and for a POST in the JSON body's \"tenant\"", c.TenantName)
			}
			return http.StatusForbidden, "Forbidden", msg
		}
	}
	return 0, "", ""
}

// namedTenant is one tenant a request may act on; implied means the request did not name it
// (the default tenant).
type namedTenant struct {
	ref     string
	implied bool
}

// namedTenants lists every tenant a request may act on, the way the control handlers read it:
// each `tenant` query value, the body's "tenant" for requests with a body (POST handlers read
// only the body), and the default tenant wherever an empty or missing name falls back to it.
func (g *Guard) namedTenants(r *http.Request) ([]namedTenant, error) {
	var named []namedTenant
	add := func(ref string) {
		if strings.TrimSpace(ref) == "" {
			named = append(named, namedTenant{ref: g.DefaultTenant, implied: true})
			return
		}
		named = append(named, namedTenant{ref: ref})
	}
	for _, v := range r.URL.Query()["tenant"] {
		add(v)
	}
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	hasBody := len(bytes.TrimSpace(body)) > 0
	if hasBody {
		var req struct {
			Tenant string `json:"tenant"`
		}
		// The handlers decode with encoding/json too, so both read the same "tenant" (its
		// case-insensitive key matching and last-duplicate-wins included).
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&req); err != nil {
			return nil, fmt.Errorf("the request body is not a JSON object with a string \"tenant\": %v", err)
		}
		add(req.Tenant)
	} else if r.Method != http.MethodGet && r.Method != http.MethodHead {
		add("") // a POST without a body acts on the default tenant in some handlers
	}
	if len(named) == 0 {
		add("")
	}
	return named, nil
}

// readBody reads r's body (at most MaxBody) and puts it back for the handler.
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	r.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("read the request body: %w", err)
	}
	if len(body) > MaxBody {
		return nil, &http.MaxBytesError{Limit: MaxBody}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// WriteError writes the control API's error body, shaped like ARM's.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
