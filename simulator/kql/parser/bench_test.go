package parser

import (
	"os"
	"testing"
)

// BenchmarkParseRule1 parses the lab's first analytics rule (a 25-line
// query with two lets, a join and projections).
func BenchmarkParseRule1(b *testing.B) {
	src, err := os.ReadFile("testdata/lab/rule1.kql")
	if err != nil {
		b.Fatal(err)
	}
	q := string(src)
	b.SetBytes(int64(len(q)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSentinelCorpus parses all 1146 corpus queries once per op.
func BenchmarkParseSentinelCorpus(b *testing.B) {
	var cases []sentinelCase
	loadJSON(b, "testdata/sentinel/cases.json", &cases)
	total := 0
	for _, c := range cases {
		total += len(c.Query)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cases {
			Parse(c.Query)
		}
	}
}
