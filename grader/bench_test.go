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
