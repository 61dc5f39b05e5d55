package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	xdrapi "github.com/soclab/soclab/mockapis/xdr"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/xdr"
)

// detectionTick is how often the server runs the rules of running tenant clocks (a real-time
// clock needs one virtual minute per real minute; an x60 attack one per second).
const detectionTick = 5 * time.Second

// withDetection puts the rule engine behind the control endpoints: after a request that moves
// a clock or changes what the logs hold (clock, attack, faults, reset), the rules run up to
// every tenant's clock before the answer goes out, so `soclab clock advance 2h` or `soclab
// attack launch` returns with the alerts made. background also starts a ticker for running
// clocks (the server; a one-shot command on the state file has no clock running between calls).
func withDetection(le *logs.Engine, next http.Handler, background bool) http.Handler {
	eng, err := detect.New(le, detect.Options{})
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, `{"error":{"code":"RuleEngineUnavailable","message":`+quote(err.Error())+`}}`, http.StatusInternalServerError)
		})
	}
	xeng := xdr.New(le)
	next = xdrapi.NewControl(le.World(), next)
	if background {
		t := time.NewTicker(detectionTick)
		go runStages(context.Background(), t.C, eng, xeng)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !movesClock(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		rec := &bufferedResponse{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status < 300 {
			if err := advanceStages(eng, xeng); err != nil {
				http.Error(w, `{"error":{"code":"RuleEngineFailed","message":`+quote(err.Error())+`}}`, http.StatusInternalServerError)
				return
			}
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	})
}

// movesClock tells the control paths after which rules may be due.
func movesClock(path string) bool {
	p := strings.TrimPrefix(path, "/_soclab/")
	for _, prefix := range []string{"clock/", "attack/", "faults/", "reset"} {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// bufferedResponse holds a handler's answer until the rules have run.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) WriteHeader(status int)      { b.status = status }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
