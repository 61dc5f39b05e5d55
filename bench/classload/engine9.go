package main

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// gradeParts collects where each grade's time went, from the answer's Server-Timing header
// (engine: the wait for the rule engine's catch-up; grade: the grader's own time).
type gradeParts struct {
	mu            sync.Mutex
	engine, grade []time.Duration
	// slow are the grades over 1 s: who, when sent (since start), total and engine wait.
	slow  []string
	start time.Time
}

var serverTimingPart = regexp.MustCompile(`(?:^|,)\s*(engine|grade);[^,]*?dur=([0-9.]+)`)

// timedGrade is timedControl for a grade that also keeps the grade's Server-Timing parts.
func timedGrade(srv *labServer, ctl *http.Client, l *learner, rec *recorder) error {
	req, err := http.NewRequest("GET", srv.info.ControlURL()+"grade?tenant="+l.name, http.NoBody)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+l.cred.ControlToken)
	began := time.Now()
	resp, err := ctl.Do(req)
	s := sample{kind: "grade", began: began}
	if err != nil {
		s.took, s.detail = time.Since(began), shortErr(err)
		rec.add(s)
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	s.took, s.status = time.Since(began), resp.StatusCode
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET grade: %s", resp.Status)
	}
	if err != nil {
		s.detail = shortErr(err)
	}
	rec.add(s)
	if l.gradeParts != nil {
		l.gradeParts.add(strings.Join(resp.Header.Values("Server-Timing"), ","))
		l.gradeParts.noteSlow(l.name, began, s.took, resp.Header.Values("Server-Timing"))
	}
	return err
}

func (g *gradeParts) add(header string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, m := range serverTimingPart.FindAllStringSubmatch(header, -1) {
		f, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		d := time.Duration(f * float64(time.Millisecond))
		if m[1] == "engine" {
			g.engine = append(g.engine, d)
		} else {
			g.grade = append(g.grade, d)
		}
	}
}

func (g *gradeParts) noteSlow(who string, began time.Time, took time.Duration, timing []string) {
	if took < time.Second {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.slow = append(g.slow, fmt.Sprintf("  %s sent at +%.1f s took %s ms: %s", who, began.Sub(g.start).Seconds(), ms(took), strings.Join(timing, ", ")))
}

// print writes the parts' p50/p99/max.
func (g *gradeParts) print(w io.Writer) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, part := range []struct {
		name string
		d    []time.Duration
	}{{"waiting for the rule engine", g.engine}, {"grading", g.grade}} {
		if len(part.d) == 0 {
			continue
		}
		d := slices.Clone(part.d)
		slices.Sort(d)
		fmt.Fprintf(w, "grade's Server-Timing, %s: p50 %s ms, p99 %s ms, max %s ms (%d grades)\n", part.name, ms(pct(d, 50)), ms(pct(d, 99)), ms(d[len(d)-1]), len(d))
	}
	if len(g.slow) > 0 {
		fmt.Fprintf(w, "grades over 1 s: %d\n", len(g.slow))
		for _, s := range g.slow[:min(len(g.slow), 10)] {
			fmt.Fprintln(w, s)
		}
	}
}
