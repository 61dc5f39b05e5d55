package grader

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"testing"

	"github.com/soclab/soclab/simulator/kql/sched"
)

// TestGradePhases: a grade's answer names where its time went: the first grade of new rule
// queries queued for the processor, took a judging permit and judged them (after building the judging data); a
// regrade judges nothing; a grade without a CPU queues for nothing.
func TestGradePhases(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	h := NewHandler(l.grader, http.NotFoundHandler())
	names := func() []string {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", "/_soclab/grade?task=1", nil))
		if rec.Code != 200 {
			t.Fatalf("grade: %d %s", rec.Code, rec.Body)
		}
		var out []string
		for _, v := range rec.Header().Values("Server-Timing") {
			m := regexp.MustCompile(`^([a-z]+);(desc="[^"]*";)?dur=[0-9]+\.[0-9]$`).FindStringSubmatch(v)
			if m == nil {
				t.Fatalf("Server-Timing %q is not name;desc=...;dur=ms", v)
			}
			out = append(out, m[1])
		}
		return out
	}
	if got, want := names(), []string{"grade", "permit", "judging", "data"}; !slices.Equal(got, want) {
		t.Errorf("first grade without a CPU: Server-Timing %q, want %q", got, want)
	}
	if got, want := names(), []string{"grade"}; !slices.Equal(got, want) {
		t.Errorf("regrade: Server-Timing %q, want %q", got, want)
	}
	l.grader.opts.CPU = sched.NewCPU(sched.CPUOptions{Slots: 2})
	l.grader.verdicts = newVerdictCache(maxCachedVerdicts)
	if got, want := names(), []string{"grade", "slot", "permit", "judging", "data"}; !slices.Equal(got, want) {
		t.Errorf("first grade on a CPU: Server-Timing %q, want %q", got, want)
	}
}
