#!/usr/bin/env bash
# Runs the KQL engine's benchmarks (simulator/kql/bench_test.go) and the same queries in
# DuckDB (bench/duckdb) on the same rows, and prints KQL ms, DuckDB ms and their ratio per
# query, then the engine's memory against the raw data size. See bench/README.md.
#
#   bench/compare.sh [-fresh] [-verify-export]
#
# Environment: BENCH_DIR (work folder, default /tmp/soclab-bench), BENCHTIME (go test
# -benchtime, default 3x), COUNT (go test -count, default 3), RUNS (DuckDB timed runs,
# default 5), THREADS (DuckDB threads, space-separated list; "default" is DuckDB's own setting,
# every core, as users run it; default "default 1"), KQL_PROCS (the engine's GOMAXPROCS, default
# every core).
# Not part of `make test`: it needs node and npm.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${BENCH_DIR:-/tmp/soclab-bench}
benchtime=${BENCHTIME:-3x}
count=${COUNT:-3}
runs=${RUNS:-5}
threads=${THREADS:-"default 1"}
fresh=0
verify=0
for arg in "$@"; do
  case $arg in
    -fresh) fresh=1 ;;
    -verify-export) verify=1 ;;
    *) echo "usage: $0 [-fresh] [-verify-export]" >&2; exit 2 ;;
  esac
done

if [ -n "${KQL_PROCS:-}" ]; then export GOMAXPROCS=$KQL_PROCS; fi
command -v node >/dev/null || { echo "compare.sh: node is not installed" >&2; exit 2; }
mkdir -p "$dir/data"
cd "$root"

if [ ! -d bench/duckdb/node_modules/@duckdb/node-api ]; then
  echo "== npm ci (bench/duckdb)" >&2
  (cd bench/duckdb && npm ci --no-audit --no-fund >&2)
fi

echo "== building bench/kqldata" >&2
go build -o "$dir/kqldata" ./bench/kqldata

if [ $fresh = 1 ] || [ ! -s "$dir/data/R.csv" ]; then
  echo "== exporting the benchmark tables to $dir/data" >&2
  "$dir/kqldata" export "$dir/data"
fi

if [ $verify = 1 ]; then
  echo "== checking the export against the benchmark's own (TestExportBenchData)" >&2
  mkdir -p "$dir/testexport"
  KQL_BENCH_EXPORT="$dir/testexport" go test ./simulator/kql -run '^TestExportBenchData$' -count=1 >&2
  for t in SigninLogs AzureActivity L R; do
    cmp "$dir/data/$t.csv" "$dir/testexport/$t.csv" ||
      { echo "MISMATCH: bench/kqldata's $t differs from the benchmark's; update bench/kqldata/gen.go" >&2; exit 1; }
  done
  echo "export identical to the benchmark's tables" >&2
fi

echo "== KQL engine results and table sizes (bench/kqldata results)" >&2
"$dir/kqldata" results "$dir/kql-results.jsonl"

echo "== go test -bench (benchtime $benchtime, count $count)" >&2
go test ./simulator/kql -run '^$' -benchmem -benchtime "$benchtime" -count "$count" -timeout 30m \
  -bench '^Benchmark(Rule1FilterSummarize|Join100kx100k|Rule3DcountMakeSet|HasAnyScan)$' | tee "$dir/go-bench.txt" >&2

echo "== KQL engine wall and CPU time per query (bench/kqldata time $runs)" >&2
"$dir/kqldata" time "$runs" "$dir/kql-times.jsonl"
cat "$dir/kql-times.jsonl" >&2

duck_files=()
for t in $threads; do
  echo "== DuckDB, $t thread(s), best of $runs" >&2
  node bench/duckdb/run.mjs --data "$dir/data" --kql-results "$dir/kql-results.jsonl" \
    --runs "$runs" --threads "$t" | tee "$dir/duckdb-$t.jsonl" >&2
  duck_files+=("$dir/duckdb-$t.jsonl")
done

echo "== $(date -u +%FT%TZ), load: $(uptime | sed 's/.*load average/load average/')"
node bench/duckdb/table.mjs "$dir/go-bench.txt" "$dir/kql-results.jsonl" "$dir/kql-times.jsonl" "${duck_files[@]}"
