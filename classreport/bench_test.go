package classreport

import (
	"io"
	"testing"
)

// BenchmarkBuild30 sums up a class of 30 learners (the report's own work, without grading).
func BenchmarkBuild30(b *testing.B) {
	learners := class(30)
	b.ReportAllocs()
	for b.Loop() {
		Build(learners)
	}
}

// BenchmarkHTML30 writes the HTML report of 30 learners.
func BenchmarkHTML30(b *testing.B) {
	r := Build(class(30))
	b.ReportAllocs()
	for b.Loop() {
		if err := r.WriteHTML(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
