package server

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func TestAccessLogLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), AccessLogFile)
	a, err := openAccessLog(path)
	if err != nil {
		t.Fatal(err)
	}
	h := a.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte("hello"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "https://management.azure.com/subscriptions/x?api-version=1", nil))
	a.Close()
	b, _ := os.ReadFile(path)
	want := regexp.MustCompile(`^\d{4}-\d\d-\d\dT[0-9:.]+Z management\.azure\.com PUT /subscriptions/x\?api-version=1 201 5 [0-9.]+[µnm]?s\n$`)
	if !want.Match(b) {
		t.Fatalf("access log = %q", b)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("access log mode %o, want 600", st.Mode().Perm())
	}
	var none *accessLog // logging off: handlers pass through unchanged
	if got := none.wrapAll(map[string]http.Handler{"a": h}); got["a"] == nil {
		t.Error("nil access log dropped a handler")
	}
}
