package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/mux"
	"github.com/soclab/soclab/mockapis/aad"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

// Request is what a route's handler gets: the HTTP request, the verified caller and the path
// variables of its template.
type Request struct {
	*http.Request
	Principal auth.Principal
	Vars      map[string]string
}

// Response is a handler's successful answer: status and a JSON-encodable body (nil: no body).
type Response struct {
	Status int
	Body   any
}

// HandlerFunc answers one Graph call; a returned *Error is written in the OData envelope, any
// other error as 500.
type HandlerFunc func(r *Request) (Response, error)

// Route is one Graph endpoint. Path is a gorilla/mux template relative to the version, e.g.
// "/security/runHuntingQuery" or "/users/{id}".
type Route struct {
	Method string
	Path   string
	// Versions lists "v1.0" and/or "beta"; empty means both.
	Versions []string
	Handle   HandlerFunc
}

// Error is a Graph error: HTTP status, OData code and message.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Clock is a tenant's lab clock: OData errors carry it as innerError.date. ok is false when the
// tenant is unknown (the real clock is used).
type Clock func(tenantID string) (now time.Time, ok bool)

// NewHandler serves the routes; v checks every request's token for a Graph audience. Errors
// are dated with the real clock; NewHandlerClock dates them with the tenant's lab clock.
func NewHandler(v auth.Verifier, routes ...Route) http.Handler {
	return NewHandlerClock(v, nil, routes...)
}

// WorldClock is the Clock of a world's tenants.
func WorldClock(w *simulator.World) Clock {
	return func(tenantID string) (time.Time, bool) {
		now, err := w.Now(tenantID)
		return now, err == nil
	}
}

// NewHandlerClock is NewHandler whose errors carry the caller's tenant clock in
// innerError.date, as a learner's lab sees time.
func NewHandlerClock(v auth.Verifier, clock Clock, routes ...Route) http.Handler {
	r := mux.NewRouter()
	for _, rt := range routes {
		versions := rt.Versions
		if len(versions) == 0 {
			versions = []string{"v1.0", "beta"}
		}
		for _, ver := range versions {
			r.Handle("/"+ver+rt.Path, serve(v, clock, rt.Handle)).Methods(rt.Method)
		}
	}
	notFound := serve(v, clock, func(req *Request) (Response, error) {
		return Response{}, Errorf(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '%s'.", unresolvedSegment(req.URL.Path, routes))
	})
	r.NotFoundHandler = notFound
	r.MethodNotAllowedHandler = serve(v, clock, func(req *Request) (Response, error) {
		return Response{}, Errorf(http.StatusMethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request uri.")
	})
	return r
}

func serve(v auth.Verifier, clock Clock, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Verify(r, auth.GraphAudiences...)
		if err != nil {
			WriteError(w, r, authError(err))
			return
		}
		resp, err := call(h, &Request{Request: r, Principal: p, Vars: mux.Vars(r)})
		if err != nil {
			var ge *Error
			if !errors.As(err, &ge) {
				ge = Errorf(http.StatusInternalServerError, "InternalServerError", "%v", err)
			}
			date := time.Now()
			if clock != nil {
				if now, ok := clock(p.TenantID); ok {
					date = now
				}
			}
			writeError(w, r, ge, date)
			return
		}
		if resp.Status == 0 {
			resp.Status = http.StatusOK
		}
		if resp.Body == nil {
			w.WriteHeader(resp.Status)
			return
		}
		data, err := json.Marshal(resp.Body)
		if err != nil {
			WriteError(w, r, Errorf(http.StatusInternalServerError, "InternalServerError", "encode response: %v", err))
			return
		}
		w.Header().Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
		w.Header().Set("request-id", simulator.NewGUID())
		w.WriteHeader(resp.Status)
		w.Write(data)
	})
}

// call runs a handler, turning a panic into a 500 in Graph's envelope (a bug must not drop the
// client's connection).
func call(h HandlerFunc, r *Request) (resp Response, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			err = Errorf(http.StatusInternalServerError, "InternalServerError", "%v", rec)
		}
	}()
	return h(r)
}

// authError is Graph's 401 for a missing or bad token.
func authError(err error) *Error {
	if errors.Is(err, auth.ErrNoToken) {
		return Errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
	}
	var ve *aad.VerifyError
	if errors.As(err, &ve) && errors.Is(err, auth.ErrWrongAudience) {
		return Errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
	}
	return Errorf(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure.")
}

// WriteError writes e in Graph's OData error envelope, dated with the real clock.
func WriteError(w http.ResponseWriter, r *http.Request, e *Error) { writeError(w, r, e, time.Now()) }

// writeError writes e in Graph's OData error envelope with innerError.date = date.
func writeError(w http.ResponseWriter, r *http.Request, e *Error, date time.Time) {
	reqID := simulator.NewGUID()
	type innerError struct {
		Date            string `json:"date"`
		RequestID       string `json:"request-id"`
		ClientRequestID string `json:"client-request-id"`
	}
	type odataError struct {
		Code       string     `json:"code"`
		Message    string     `json:"message"`
		InnerError innerError `json:"innerError"`
	}
	body := map[string]odataError{"error": {Code: e.Code, Message: e.Message, InnerError: innerError{
		Date: date.UTC().Format("2006-01-02T15:04:05"), RequestID: reqID, ClientRequestID: clientRequestID(r, reqID)}}}
	data, _ := json.Marshal(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("request-id", reqID)
	w.WriteHeader(e.Status)
	w.Write(data)
}

func clientRequestID(r *http.Request, fallback string) string {
	if id := r.Header.Get("client-request-id"); id != "" {
		return id
	}
	return fallback
}

// unresolvedSegment is the segment Graph names for an unknown path: the first one after the
// version that no route's template continues with (/v1.0/users/x/revokeSignInSessions names
// 'users' while no /users route exists), or the last one when every prefix is known.
func unresolvedSegment(p string, routes []Route) string {
	segs := strings.Split(strings.Trim(p, "/"), "/")
	if len(segs) > 0 {
		segs = segs[1:] // the version
	}
	for i, seg := range segs {
		known := false
		for _, rt := range routes {
			tmpl := strings.Split(strings.Trim(rt.Path, "/"), "/")
			if len(tmpl) > i && templatePrefixMatches(tmpl[:i+1], segs[:i+1]) {
				known = true
				break
			}
		}
		if !known {
			return seg
		}
	}
	if len(segs) == 0 {
		return ""
	}
	return segs[len(segs)-1]
}

// templatePrefixMatches compares path segments with template segments ({var} matches any).
func templatePrefixMatches(tmpl, segs []string) bool {
	for j := range tmpl {
		if !strings.HasPrefix(tmpl[j], "{") && !strings.EqualFold(tmpl[j], segs[j]) {
			return false
		}
	}
	return true
}
