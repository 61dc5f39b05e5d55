package grader

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/sched"
)

// TestClassJudgesEachQueryOnce: five learners grading the same new rules at the same moment
// judge each of the three queries once (the others wait for those verdicts), and every
// report is the one a grade alone gives.
func TestClassJudgesEachQueryOnce(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	l.grader.opts.CPU = sched.NewCPU(sched.CPUOptions{Slots: 2})
	class := []*lab{l}
	for _, name := range []string{"fabrikam", "northwind", "tailspin", "wingtip"} {
		o := l.addTenant(name)
		o.replay(nil)
		class = append(class, o)
	}
	reps := make([]*Report, len(class))
	var wg sync.WaitGroup
	for i, c := range class {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := c.grader.Grade(context.Background(), c.tenant.ID, []int{1, 2})
			if err != nil {
				t.Error(err)
			}
			reps[i] = rep
		}()
	}
	wg.Wait()
	if n := l.grader.judged.Load(); n != 3 {
		t.Errorf("%d judgings for 5 learners with the same 3 queries, want 3", n)
	}
	alone := l.grade(1, 2)
	for i, rep := range reps {
		if rep == nil {
			continue
		}
		if rep.Passed != alone.Passed || rep.Score != alone.Score {
			t.Errorf("learner %d: %d passed, score %d; alone: %d passed, score %d", i, rep.Passed, rep.Score, alone.Passed, alone.Score)
		}
		for j, r := range rep.Results {
			if a := alone.Results[j]; r.ID != a.ID || r.Passed != a.Passed || r.Detail != a.Detail {
				t.Errorf("learner %d: %s = %v %q, alone %v %q", i, r.ID, r.Passed, r.Detail, a.Passed, a.Detail)
			}
		}
	}
}

// TestKnownVerdictsSkipTheJudges: with every judging permit taken (a class judging new
// queries), a grade whose rule queries' verdicts are known answers at once, while a grade
// that must judge waits for a permit (and gives up with its caller).
func TestKnownVerdictsSkipTheJudges(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	l.grade(1, 2) // the lab's queries judged
	l.grader.opts.CPU = sched.NewCPU(sched.CPUOptions{Slots: 2})
	for range cap(l.grader.permits) {
		l.grader.permits <- struct{}{}
	}
	known := l.addTenant("fabrikam")
	known.replay(nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if rep, err := known.grader.Grade(ctx, known.tenant.ID, []int{1, 2}); err != nil || rep.Passed != 9 {
		t.Fatalf("grade with known verdicts: %v, %+v", err, rep)
	}
	fresh := l.addTenant("northwind")
	fresh.replay(func(name string, body map[string]any) {
		p := body["properties"].(map[string]any)
		p["query"] = p["query"].(string) + "\n// written by northwind"
	})
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := fresh.grader.Grade(ctx, fresh.tenant.ID, []int{1, 2}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("grade that must judge with every permit taken: %v, want the caller's deadline", err)
	}
	for range cap(l.grader.permits) {
		<-l.grader.permits
	}
	if rep := fresh.grade(1, 2); rep.Passed != 9 {
		t.Errorf("after the permits came back: %d passed, want 9", rep.Passed)
	}
	if n := l.grader.judged.Load(); n != 6 {
		t.Errorf("%d judgings, want 6 (the lab's 3 queries, then northwind's 3)", n)
	}
}

// TestPrejudge: a tenant's saved rules are judged in the background (each query once), so
// its first grade judges nothing; a rule query nobody has saved is not judged.
func TestPrejudge(t *testing.T) {
	l := newLab(t)
	if n, err := l.grader.Prejudge(context.Background(), l.tenant.ID); err != nil || n != 0 {
		t.Fatalf("prejudge of a tenant without rules: %d judged, %v", n, err)
	}
	l.replay(nil)
	if n, err := l.grader.Prejudge(context.Background(), l.tenant.ID); err != nil || n != 3 {
		t.Fatalf("prejudge of the three rules: %d judged, %v", n, err)
	}
	if n, err := l.grader.Prejudge(context.Background(), l.tenant.ID); err != nil || n != 0 {
		t.Fatalf("prejudge again: %d judged, %v", n, err)
	}
	if rep := l.grade(1, 2); rep.Passed != 9 {
		t.Errorf("%d checks passed, want 9", rep.Passed)
	}
	if n := l.grader.judged.Load(); n != 3 {
		t.Errorf("%d judgings, want the background's 3", n)
	}
}

// TestGradesDoNotWaitForTheBackground: a background judging under way (here: registered and
// never ending) does not hold a grade back; the grade judges the query itself, and a second
// grade waits for that verdict instead of judging it again.
func TestGradesDoNotWaitForTheBackground(t *testing.T) {
	l := newLab(t)
	l.replay(nil)
	l.grader.opts.CPU = sched.NewCPU(sched.CPUOptions{Slots: 2})
	rules, err := l.grader.labRules(l.tenant.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range l.grader.checks.Checks {
		for _, r := range rules {
			if c.RuleQuery != nil && r.Name == c.RuleQuery.Rule {
				query, _ := l.grader.canonicalText(l.tenant.ID, r.QueryText())
				key := verdictKey{query: queryKey(query), runs: runsOf(r), mentions: strings.Join(c.RuleQuery.Mentions, "\x00")}
				if _, _, _, mine := l.grader.verdicts.begin(key, key, true); !mine {
					t.Fatalf("%s: a background flight could not be registered", r.Name)
				}
			}
		}
	}
	other := l.addTenant("fabrikam")
	other.replay(nil)
	var wg sync.WaitGroup
	for _, c := range []*lab{l, other} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			if rep, err := c.grader.Grade(ctx, c.tenant.ID, []int{1, 2}); err != nil || rep.Passed != 9 {
				t.Errorf("grade beside a background judging: %v, %+v", err, rep)
			}
		}()
	}
	wg.Wait()
	if n := l.grader.judged.Load(); n != 3 {
		t.Errorf("%d judgings, want 3 (the grades share theirs)", n)
	}
}
