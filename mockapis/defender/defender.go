package defender

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
)

// Request is what a route's handler gets: the request, the verified caller, the path variables.
type Request struct {
	*http.Request
	Principal auth.Principal
	Vars      map[string]string
}

// HandlerFunc answers one call with a status and a JSON body, or an error (*Error: the
// service's envelope; others: 500).
type HandlerFunc func(r *Request) (status int, body any, err error)

// Route is one endpoint: a gorilla/mux path template such as "/api/advancedhunting/run".
type Route struct {
	Method, Path string
	Handle       HandlerFunc
}

// Error is a Defender API error.
type Error struct {
	Status        int
	Code, Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf builds an *Error.
func Errorf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NewHandler serves the routes; v checks every token for a Defender audience.
func NewHandler(v auth.Verifier, routes ...Route) http.Handler {
	r := mux.NewRouter()
	for _, rt := range routes {
		r.Handle(rt.Path, serve(v, rt.Handle)).Methods(rt.Method)
	}
	r.NotFoundHandler = serve(v, func(req *Request) (int, any, error) {
		return 0, nil, Errorf(http.StatusNotFound, "ResourceNotFound", "No resource was found for %s %s.", req.Method, req.URL.Path)
	})
	r.MethodNotAllowedHandler = serve(v, func(req *Request) (int, any, error) {
		return 0, nil, Errorf(http.StatusMethodNotAllowed, "BadRequest", "The method %s is not allowed on %s.", req.Method, req.URL.Path)
	})
	return r
}

func serve(v auth.Verifier, h HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := v.Verify(r, auth.DefenderAudiences...)
		if err != nil {
			WriteError(w, Errorf(http.StatusUnauthorized, "Unauthorized", "Authorization has been denied for this request: %v", err))
			return
		}
		status, body, err := h(&Request{Request: r, Principal: p, Vars: mux.Vars(r)})
		if err != nil {
			var de *Error
			if !errors.As(err, &de) {
				de = Errorf(http.StatusInternalServerError, "InternalServerError", "%v", err)
			}
			WriteError(w, de)
			return
		}
		data, err := json.Marshal(body)
		if err != nil {
			WriteError(w, Errorf(http.StatusInternalServerError, "InternalServerError", "encode response: %v", err))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		w.Write(data)
	})
}

// WriteError writes {"error":{"code","message","target"}}.
func WriteError(w http.ResponseWriter, e *Error) {
	data, _ := json.Marshal(map[string]any{"error": map[string]any{"code": e.Code, "message": e.Message, "target": simulator.NewGUID()}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.Status)
	w.Write(data)
}
