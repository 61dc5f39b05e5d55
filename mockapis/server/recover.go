package server

import (
	"errors"
	"log"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/soclab/soclab/mockapis/aad"
)

// hostErrors is the error envelope of each served host a panic guard answers with.
var hostErrors = map[string]errorWriter{
	HostARM:             armError,
	HostGraph:           graphError,
	HostLogAnalytics:    logAnalyticsError,
	HostLogAnalyticsNew: logAnalyticsError,
	HostDefender:        defenderError,
	aad.LoginHost:       aadError,
	HostPortal:          pageError,
}

// pageError is a plain-text error for the web portal's browser.
func pageError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	http.Error(w, code+": "+message, status)
}

// guardAll puts a panic guard and the body limit on every host's handler, answering in that
// host's envelope.
func guardAll(hosts map[string]http.Handler, logger *log.Logger) map[string]http.Handler {
	out := make(map[string]http.Handler, len(hosts))
	for host, h := range hosts {
		write, ok := hostErrors[host]
		if !ok {
			write = armError
		}
		out[host] = guard(limitBody(h, bodyLimit(host), write), write, logger)
	}
	return out
}

// guard recovers a panic in next: it logs the panic with its stack and, unless the answer
// has started, writes a 500 in the service's envelope. A bug in one handler then costs one
// request, not the connection or (in a goroutine of its own) the server.
func guard(next http.Handler, write errorWriter, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &startedWriter{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v) // net/http's deliberate abort, not a bug
			}
			logger.Printf("panic serving %s %s%s: %v\n%s", r.Method, r.Host, r.URL.RequestURI(), v, debug.Stack())
			if !rec.started {
				write(w, r, http.StatusInternalServerError, "InternalServerError", "The server encountered an internal error. Please retry the request.")
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// controlErrorWriter is controlError as an errorWriter.
func controlErrorWriter(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	controlError(w, status, code, message)
}

// aadError is the identity platform's OAuth error body: server_error (AADSTS50000) for its
// own failures, invalid_request with the message for a request it refuses.
func aadError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	now := time.Now().UTC()
	oauthCode, desc := "invalid_request", message
	if status >= 500 {
		oauthCode, desc = "server_error", "AADSTS50000: There was an error issuing a token or an issue with our sign-in service."
	}
	writeJSON(w, status, map[string]any{
		"error":             oauthCode,
		"error_description": desc + "\r\nTrace ID: " + newRequestID() + "\r\nTimestamp: " + now.Format("2006-01-02 15:04:05Z"),
		"error_codes":       []int{50000},
		"timestamp":         now.Format("2006-01-02 15:04:05Z"),
		"trace_id":          newRequestID(),
		"correlation_id":    newRequestID(),
	})
}

// startedWriter notes whether the handler began its answer.
type startedWriter struct {
	http.ResponseWriter
	started bool
}

func (s *startedWriter) WriteHeader(code int) {
	s.started = true
	s.ResponseWriter.WriteHeader(code)
}

func (s *startedWriter) Write(b []byte) (int, error) {
	s.started = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *startedWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
