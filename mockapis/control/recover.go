package control

import (
	"fmt"
	"net/http"
	"runtime/debug"
)

// Recover answers a request whose handler panicked with a 500 InternalError envelope (when
// nothing was written yet) and logs the panic with its stack, so one bad request cannot end
// the server. http.ErrAbortHandler is passed on: it is how a handler aborts on purpose.
func Recover(next http.Handler, log func(line string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &wroteWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			if log != nil {
				log(fmt.Sprintf("soclab: panic serving %s %s: %v\n%s", r.Method, r.URL.Path, p, debug.Stack()))
			}
			if !rw.wrote {
				WriteAnswer(rw, nil, Fail(http.StatusInternalServerError, "InternalError",
					"the control request failed unexpectedly: %v", p), func(error) *Error { return nil })
			}
		}()
		next.ServeHTTP(rw, r)
	})
}

// wroteWriter remembers whether the answer has started.
type wroteWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *wroteWriter) WriteHeader(status int) {
	w.wrote = true
	w.ResponseWriter.WriteHeader(status)
}

func (w *wroteWriter) Write(p []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *wroteWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
