package arm

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/gorilla/mux"

	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

// handler serves management.azure.com for one world.
type handler struct {
	world    *simulator.World
	verifier auth.Verifier
	reg      *registry
	router   *mux.Router
}

// NewHandler returns the ARM face of w. Every request is authenticated with v for the ARM
// audiences; the token's tid selects the tenant. extra adds resource types (Sentinel) to the
// core ones; a malformed or duplicate type panics, since it is a programming error.
func NewHandler(w *simulator.World, v auth.Verifier, extra ...ResourceType) http.Handler {
	types := append(CoreTypes(), extra...)
	types = append(types, standingTypes(w.Seed(), types)...)
	reg, err := newRegistry(types)
	if err != nil {
		panic(err)
	}
	// Paths are parsed here, not cleaned and redirected by the router: a malformed ARM path
	// gets ARM's 400, never a 301.
	h := &handler{world: w, verifier: v, reg: reg, router: mux.NewRouter().SkipClean(true)}
	h.router.Handle("/tenants", h.endpoint(h.listTenants)).Methods(http.MethodGet)
	h.router.Handle("/subscriptions", h.endpoint(h.listSubscriptions)).Methods(http.MethodGet)
	h.router.PathPrefix("/subscriptions/").Handler(h.endpoint(h.dispatch))
	h.router.NotFoundHandler = h.endpoint(func(c *Call) (Response, error) {
		return Response{}, NewError(http.StatusNotFound, "NotFound",
			fmt.Sprintf("The request path '%s' does not name a resource that Azure Resource Manager serves.", c.Request.URL.Path))
	})
	h.router.MethodNotAllowedHandler = h.endpoint(func(c *Call) (Response, error) {
		return Response{}, errMethodNotAllowed(c.Request.Method, "Microsoft.Resources/subscriptions")
	})
	return h
}

// ServeHTTP canonicalizes the case of the top-level keyword (ARM paths are
// case-insensitive) and routes.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	for _, kw := range []string{"subscriptions", "tenants"} {
		if len(p) > len(kw) && strings.EqualFold(p[1:1+len(kw)], kw) && (len(p) == 1+len(kw) || p[1+len(kw)] == '/') {
			r2 := r.Clone(r.Context())
			r2.URL.Path = "/" + kw + p[1+len(kw):]
			r2.URL.RawPath = ""
			r = r2
			break
		}
	}
	h.router.ServeHTTP(w, r)
}

// endpoint wraps a handler with ARM's request pipeline: authentication, tenant selection,
// api-version presence, body reading, then one adapter for the answer.
func (h *handler) endpoint(fn HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// ARM answers every request with its request and correlation ids.
		corr := r.Header.Get("x-ms-correlation-request-id")
		if corr == "" {
			corr = simulator.NewGUID()
		}
		w.Header().Set("x-ms-request-id", simulator.NewGUID())
		w.Header().Set("x-ms-correlation-request-id", corr)
		c, err := h.newCall(r, corr)
		if err != nil {
			write(w, r, Response{}, err)
			return
		}
		resp, err := fn(c)
		write(w, r, resp, err)
	})
}

func (h *handler) newCall(r *http.Request, correlationID string) (*Call, error) {
	p, err := h.verifier.Verify(r, auth.ARMAudiences...)
	if err != nil {
		return nil, authError(r, err)
	}
	tenant, err := h.world.TenantByID(p.TenantID)
	if errors.Is(err, simulator.ErrTenantNotFound) {
		return nil, invalidToken("The access token is invalid.")
	}
	if err != nil {
		return nil, err
	}
	c := &Call{Request: r, World: h.world, Principal: p, Tenant: tenant, reg: h.reg, CorrelationID: correlationID}
	c.APIVersion = r.URL.Query().Get("api-version")
	if c.APIVersion == "" {
		return nil, errMissingAPIVersion()
	}
	if r.Body != nil {
		data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return nil, errInvalidRequestContent("the request body could not be read")
		}
		if len(data) > maxBody {
			return nil, NewError(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
				"The request content size exceeds the maximum size of 4 MB.")
		}
		c.body = data
	}
	return c, nil
}

// authError maps a verifier failure to ARM's 401 answers and WWW-Authenticate header. The
// lab's verifier already words the failure as ARM does (expired, wrong issuer, ...); other
// verifiers get ARM's answer for the kind of failure.
func authError(r *http.Request, err error) *Error {
	var ve *aad.VerifyError
	if errors.As(err, &ve) && ve.Code != "" && ve.Message != "" {
		e := NewError(http.StatusUnauthorized, ve.Code, ve.Message)
		desc := ve.Message
		if errors.Is(err, auth.ErrNoToken) {
			desc = "The authentication failed because of missing 'Authorization' header."
		}
		e.Header = wwwAuthenticate(desc)
		return e
	}
	switch {
	case errors.Is(err, auth.ErrNoToken):
		e := NewError(http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		e.Header = wwwAuthenticate("The authentication failed because of missing 'Authorization' header.")
		return e
	case errors.Is(err, auth.ErrWrongAudience):
		quoted := make([]string, len(auth.ARMAudiences))
		for i, a := range auth.ARMAudiences {
			quoted[i] = "'" + a + "'"
		}
		msg := fmt.Sprintf("The access token has been obtained for wrong audience or resource '%s'. It should exactly match with one of the allowed audiences %s.",
			unverifiedAudience(r), strings.Join(quoted, ","))
		e := NewError(http.StatusUnauthorized, "InvalidAuthenticationTokenAudience", msg)
		e.Header = wwwAuthenticate(msg)
		return e
	default:
		return invalidToken("The access token is invalid.")
	}
}

func invalidToken(msg string) *Error {
	e := NewError(http.StatusUnauthorized, "InvalidAuthenticationToken", msg)
	e.Header = wwwAuthenticate(msg)
	return e
}

func wwwAuthenticate(desc string) http.Header {
	return http.Header{"Www-Authenticate": {fmt.Sprintf(`Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="%s"`, desc)}}
}
