package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLimitGrading: no more than n grade requests run at once, every one is answered, other
// paths are not held back, and a client that gives up while waiting is dropped.
func TestLimitGrading(t *testing.T) {
	var running, peak, calls atomic.Int32
	release := make(chan struct{})
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/_soclab/grade" {
			calls.Add(1)
			n := running.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			<-release
			running.Add(-1)
		}
		w.WriteHeader(http.StatusOK)
	})
	h := limitGrading(inner, 2, nil)
	var wg sync.WaitGroup
	codes := make([]int, 6)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/_soclab/grade?tenant=t", nil))
			codes[i] = rec.Code
		}()
	}
	for running.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	// Other endpoints answer while the grading slots are full.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/_soclab/clock?tenant=t", nil))
	if rec.Code != http.StatusOK {
		t.Errorf("clock while grading: %d", rec.Code)
	}
	// A waiting client that gives up is not served.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/_soclab/grade", nil).WithContext(ctx))
	close(release)
	wg.Wait()
	if n := calls.Load(); n != int32(len(codes)) {
		t.Errorf("the grader ran %d times, want %d (not for the client that left)", n, len(codes))
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("at most %d grades ran at once, want 2", p)
	}
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("grade %d answered %d", i, c)
		}
	}
}
