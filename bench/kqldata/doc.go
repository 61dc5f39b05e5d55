// Command kqldata regenerates the tables of the KQL engine's benchmarks
// (simulator/kql/bench_test.go) outside the test binary, so that DuckDB can be measured on
// exactly the same rows (bench/duckdb).
//
//	kqldata export DIR     writes SigninLogs.csv, AzureActivity.csv, L.csv and R.csv to DIR
//	kqldata results FILE   runs the four benchmark queries on the engine and writes their
//	                       results (one JSON line per query, rows in a canonical order) and
//	                       the engine's in-memory table sizes to FILE
//	kqldata time RUNS FILE runs each query once, then RUNS times, and writes the best wall
//	                       and CPU milliseconds per query to FILE (one JSON line each)
//
// The generators are copies of the benchmark's unexported test helpers: the same seeds, the
// same order of random draws, the same values. bench/compare.sh checks that the export is
// byte-identical to the benchmark's own export (TestExportBenchData) when that test exists.
package main
