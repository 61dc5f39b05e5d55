package control

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestRecover: a panicking control handler answers 500 InternalError (or keeps what it had
// written) and logs one line with the stack; the server goes on.
func TestRecover(t *testing.T) {
	for _, tc := range []struct {
		name       string
		handler    http.HandlerFunc
		wantStatus int
		wantBody   string
		wantLog    string
	}{
		{"panic before answering", func(w http.ResponseWriter, r *http.Request) { panic("nil map") }, 500,
			`{"error":{"code":"InternalError","message":"the control request failed unexpectedly: nil map"}}` + "\n",
			"soclab: panic serving POST /_soclab/clock/advance: nil map\ngoroutine "},
		{"panic after answering", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(200)
			w.Write([]byte(`{"partial":`))
			panic("half way")
		}, 200, `{"partial":`, "soclab: panic serving POST /_soclab/clock/advance: half way\n"},
		{"no panic", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }, 200, "ok", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			rec := httptest.NewRecorder()
			Recover(tc.handler, func(l string) { lines = append(lines, l) }).ServeHTTP(rec, httptest.NewRequest("POST", "/_soclab/clock/advance", nil))
			if rec.Code != tc.wantStatus || rec.Body.String() != tc.wantBody {
				t.Errorf("answer %d %q, want %d %q", rec.Code, rec.Body.String(), tc.wantStatus, tc.wantBody)
			}
			switch {
			case tc.wantLog == "" && len(lines) != 0:
				t.Errorf("log %q, want none", lines)
			case tc.wantLog != "" && (len(lines) != 1 || !strings.HasPrefix(lines[0], tc.wantLog)):
				t.Errorf("log %q, want one line starting %q", lines, tc.wantLog)
			}
		})
	}
	defer func() {
		if p := recover(); p != http.ErrAbortHandler {
			t.Errorf("ErrAbortHandler: recovered %v, want it passed on", p)
		}
	}()
	Recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }), nil).
		ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
}
