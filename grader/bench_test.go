package grader

import "testing"

// BenchmarkGrade grades Tasks 1-2 with the lab's three rules and the connector in place, judging
// the rule queries every time (a learner's first grade): the tenant's telemetry is generated
// before the timer starts (the log routing shares it), so this is the checks' own cost,
// dominated by the rule-query runs.
func BenchmarkGrade(b *testing.B) {
	l := newLab(b)
	l.replay(nil)
	l.grade(1, 2)
	b.ResetTimer()
	for b.Loop() {
		l.grader.verdicts = newVerdictCache(maxCachedVerdicts)
		if rep := l.grade(1, 2); rep.Passed != 9 {
			b.Fatalf("%d checks passed, want 9", rep.Passed)
		}
	}
}

// BenchmarkRegrade is a grade with the rule-query verdicts remembered (the rules unchanged).
func BenchmarkRegrade(b *testing.B) {
	l := newLab(b)
	l.replay(nil)
	l.grade(1, 2)
	b.ResetTimer()
	for b.Loop() {
		if rep := l.grade(1, 2); rep.Passed != 9 {
			b.Fatalf("%d checks passed, want 9", rep.Passed)
		}
	}
}

// BenchmarkJudgeData builds what rule queries are judged over (the canonical index and the two
// attack variants), once per server process.
func BenchmarkJudgeData(b *testing.B) {
	l := newLab(b)
	if _, err := l.grader.judgeData(); err != nil { // the shared telemetry, generated before the timer
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		g := NewWithChecks(l.engine, l.grader.Checks())
		if _, err := g.judgeData(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGradeOtherTenant is a second learner's first grade with the same rules: the verdicts
// of the first learner's queries are shared (the queries are judged in the canonical ids), so it
// costs the state checks and the rewrite of the queries only.
func BenchmarkGradeOtherTenant(b *testing.B) {
	l := newLab(b)
	l.replay(nil)
	l.grade(1, 2)
	other := l.addTenant("fabrikam")
	other.replay(nil)
	b.ResetTimer()
	for b.Loop() {
		if rep := other.grade(1, 2); rep.Passed != 9 {
			b.Fatalf("%d checks passed, want 9", rep.Passed)
		}
	}
}
