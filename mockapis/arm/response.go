package arm

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"strconv"
)

// Response is what a handler returns on success: a status, an optional JSON body and extra
// headers (Location, Azure-AsyncOperation, Retry-After).
type Response struct {
	Status int
	// Body is encoded as JSON; nil means no body.
	Body any
	// Header holds extra response headers.
	Header http.Header
}

// Error is an ARM error: HTTP status plus the {"error":{"code","message"}} envelope.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target,omitempty"`
	// Header holds extra response headers (WWW-Authenticate on 401).
	Header http.Header `json:"-"`
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// NewError builds an ARM error.
func NewError(status int, code, message string) *Error {
	return &Error{Status: status, Code: code, Message: message}
}

// OK answers 200 with body.
func OK(body any) Response { return Response{Status: http.StatusOK, Body: body} }

// Created answers 201 with body.
func Created(body any) Response { return Response{Status: http.StatusCreated, Body: body} }

// NoContent answers 204 without a body.
func NoContent() Response { return Response{Status: http.StatusNoContent} }

// List wraps items in ARM's collection envelope {"value":[...]}.
func List[T any](items []T) map[string]any {
	if items == nil {
		items = []T{}
	}
	return map[string]any{"value": items}
}

// HandlerFunc is the shape of every ARM handler: return a response or an error.
type HandlerFunc func(c *Call) (Response, error)

// write encodes a handler's outcome. Errors that are not *Error are internal: they are
// logged and answered as ARM's generic 500 without leaking details.
func write(w http.ResponseWriter, r *http.Request, resp Response, err error) {
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			log.Printf("arm: %s %s: internal error: %v", r.Method, r.URL.Path, err)
			ae = NewError(http.StatusInternalServerError, "InternalServerError",
				"Encountered internal server error. Diagnostic information: timestamp '', subscription id '', tracking id '', request correlation id ''.")
		}
		writeError(w, r, ae)
		return
	}
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if resp.Body == nil || r.Method == http.MethodHead {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(resp.Status)
		return
	}
	writeJSON(w, resp.Status, resp.Body)
}

func writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	for k, vs := range e.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(e.Status)
		return
	}
	writeJSON(w, e.Status, map[string]*Error{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	var data []byte
	var err error
	if raw, ok := body.(json.RawMessage); ok {
		data = raw // stored bodies are compact JSON already: no re-encoding
	} else {
		data, err = json.Marshal(body)
	}
	if err != nil {
		log.Printf("arm: encode response: %v", err)
		status = http.StatusInternalServerError
		data = []byte(`{"error":{"code":"InternalServerError","message":"The response could not be encoded."}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Expires", "-1")
	w.WriteHeader(status)
	w.Write(data)
}
