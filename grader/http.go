package grader

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// NewHandler serves the grader's control endpoints and passes every other path to next:
//
//	GET /_soclab/grade?tenant=T&task=1,2   the Report as JSON (all tasks without task=)
//	GET /_soclab/snapshot?tenant=T         the Snapshot state checks read
//	GET /_soclab/answers?tenant=T          the knowledge-check answers, judged
//	POST /_soclab/answers {"tenant","answers":{"1":"..."}}  stores answers (merged; "" removes one)
//
// Errors answer {"error":{"code","message"}}: 404 TenantNotFound, 400 InvalidArgument.
func NewHandler(g *Grader, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.Trim(strings.TrimPrefix(r.URL.Path, "/_soclab"), "/")
		if path == "answers" {
			serveAnswers(g, w, r)
			return
		}
		if path != "grade" && path != "snapshot" {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet {
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("%s is not supported on /_soclab/%s", r.Method, path))
			return
		}
		q := r.URL.Query()
		t, err := ResolveTenant(g.engine.World(), q.Get("tenant"))
		if err != nil {
			writeTenantError(w, err)
			return
		}
		var out any
		if path == "snapshot" {
			out, err = TakeSnapshot(g.engine, t.ID)
		} else {
			tasks, perr := ParseTasks(q.Get("task"))
			if perr != nil {
				writeError(w, http.StatusBadRequest, "InvalidArgument", perr.Error())
				return
			}
			var rep *Report
			began := time.Now()
			phases := &Phases{}
			rep, err = g.Grade(WithPhases(r.Context(), phases), t.ID, tasks)
			w.Header().Add("Server-Timing", ServerTiming("grade", "", time.Since(began)))
			for _, v := range phases.ServerTimings() {
				w.Header().Add("Server-Timing", v)
			}
			if rep != nil {
				rep.Notes = notesFrom(r.Context())
			}
			out = rep
			if err != nil && r.Context().Err() != nil {
				return // the client left while the grade waited: nothing to answer
			}
		}
		if errors.Is(err, ErrUnknownTask) {
			writeError(w, http.StatusBadRequest, "InvalidArgument", err.Error())
			return
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, "InternalError", err.Error())
			return
		}
		data, err := json.Marshal(out)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "InternalError", err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(append(data, '\n'))
	})
}

// ServerTiming is a Server-Timing header value (W3C Server Timing): name, an optional
// description and the duration in milliseconds. A grade's answer carries the grade's own time
// (grade) and, on the server, the wait for the rule engine before it (engine), so a class's
// load test can tell them apart.
func ServerTiming(name, desc string, d time.Duration) string {
	ms := strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
	if desc == "" {
		return name + ";dur=" + ms
	}
	return name + ";desc=" + strconv.Quote(desc) + ";dur=" + ms
}

// ParseTasks reads a task list such as "1,2" ("" selects every task).
func ParseTasks(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("task %q is not a task number (e.g. 1,2)", part)
		}
		out = append(out, n)
	}
	return out, nil
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	data, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": msg}})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// writeTenantError answers a tenant that could not be resolved: 404 TenantNotFound for an
// unknown one, else 500.
func writeTenantError(w http.ResponseWriter, err error) {
	status, code := http.StatusInternalServerError, "InternalError"
	if errors.Is(err, simulator.ErrTenantNotFound) {
		status, code = http.StatusNotFound, "TenantNotFound"
	}
	writeError(w, status, code, err.Error())
}
