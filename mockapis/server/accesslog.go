package server

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/soclab/soclab/internal/privatefile"
)

// accessLog appends one line per request: time, host, method, path, status, bytes, duration.
// A nil *accessLog logs nothing, so call sites need no condition.
type accessLog struct {
	mu sync.Mutex
	f  *os.File
}

func openAccessLog(path string) (*accessLog, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open access log: %w", err)
	}
	// A log created by an older build or copied with a looser mode is made private again.
	if err := privatefile.Restrict(path); err != nil {
		f.Close()
		return nil, fmt.Errorf("restrict access log: %w", err)
	}
	return &accessLog{f: f}, nil
}

// Close closes the log file.
func (a *accessLog) Close() error {
	if a == nil {
		return nil
	}
	return a.f.Close()
}

func (a *accessLog) wrapAll(hosts map[string]http.Handler) map[string]http.Handler {
	if a == nil {
		return hosts
	}
	out := make(map[string]http.Handler, len(hosts))
	for h, handler := range hosts {
		out[h] = a.wrap(handler)
	}
	return out
}

func (a *accessLog) wrap(next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		line := fmt.Sprintf("%s %s %s %s %d %d %s\n", start.UTC().Format(time.RFC3339Nano), r.Host, r.Method, r.URL.RequestURI(), rec.status, rec.bytes, time.Since(start).Round(time.Microsecond))
		a.mu.Lock()
		a.f.WriteString(line)
		a.mu.Unlock()
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// newRequestID returns a random GUID for error bodies that carry a request id.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
