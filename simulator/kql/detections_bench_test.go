package kql

import (
	"context"
	"testing"
)

// The issue-13 operators at SOC sizes, over tables built once: anomaly detection over 500
// users' hourly series of 30 days (the weekly/daily period detected per series), and the
// pattern plugins over 100,000 rows of six dimensions.
func BenchmarkSeriesDecomposeAnomalies(b *testing.B) {
	db := benchTable(b, "S", `range u from 1 to 500 step 1
| extend y = range(0, 719, 1)
| mv-expand t = y to typeof(long)
| extend v = (t % 24) + (u % 7) * iff((t / 24) % 7 >= 5, 1, 3) + iff(t == 600 and u % 50 == 0, 80, 0)
| summarize s = make_list(v) by u`)
	benchQuery(b, db, "S | extend (flag, score, baseline) = series_decompose_anomalies(s, 2.5, -1, 'linefit') | project u, flag")
}

func BenchmarkBasket(b *testing.B) {
	benchQuery(b, benchTable(b, "P", patternRows), "P | evaluate basket(0.05)")
}

func BenchmarkAutocluster(b *testing.B) {
	benchQuery(b, benchTable(b, "P", patternRows), "P | evaluate autocluster()")
}

func BenchmarkDiffPatterns(b *testing.B) {
	benchQuery(b, benchTable(b, "P", patternRows), "P | evaluate diffpatterns(Failed, 'true', 'false')")
}

const patternRows = `range i from 1 to 100000 step 1
| extend App = strcat('app', i % 7), Country = strcat('c', (i * 7) % 13), Result = tostring(iff(i % 11 == 0, 50126, 0)),
    Client = strcat('ua', (i * 3) % 5), Risk = iff(i % 17 == 0, 'high', 'none'), Failed = i % 11 == 0
| project App, Country, Result, Client, Risk, Failed`

// benchTable runs a query once and keeps its result as table name.
func benchTable(b *testing.B, name, src string) MapDatabase {
	q, err := Compile(src, MapCatalog{}, CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	res, err := q.Run(context.Background(), nil, RunOptions{})
	if err != nil {
		b.Fatal(err)
	}
	t := *res.Table
	t.Name = name
	return NewDatabase(&t)
}

func benchQuery(b *testing.B, db MapDatabase, src string) {
	q, err := Compile(src, db.Catalog(), CompileOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := q.Run(context.Background(), db, RunOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
