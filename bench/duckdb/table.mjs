// Prints the comparison table of bench/compare.sh from its three outputs:
//
//   node table.mjs GO_BENCH_OUTPUT KQLDATA_RESULTS KQLDATA_TIMES DUCKDB_JSON_LINES...
//
// KQL ms is the lowest ns/op over the Go benchmark's -count repetitions (each the mean of
// -benchtime runs); DuckDB ms is the best of its timed runs. Ratio = KQL / DuckDB (target <= 2).
// The CPU columns (least user+system ms of a run, `kqldata time` for the engine) compare the
// work done, which stays meaningful when other processes load the machine.
// Memory: the engine's heap for the tables a query reads plus the bytes it allocates per run,
// against the raw size of that data (the CSV bytes, and the benchmark's data_MB estimate).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [goOut, kqlResults, kqlTimes, ...duckFiles] = process.argv.slice(2);
if (!goOut || !kqlResults || !kqlTimes || duckFiles.length === 0) {
  console.error('usage: node table.mjs GO_BENCH_OUTPUT KQLDATA_RESULTS KQLDATA_TIMES DUCKDB_JSON_LINES...');
  process.exit(2);
}

const tablesOf = {
  Rule1FilterSummarize: ['SigninLogs'], Join100kx100k: ['L', 'R'],
  Rule3DcountMakeSet: ['AzureActivity'], HasAnyScan: ['AzureActivity'],
};
// Issue 14's shapes have no Go benchmark: their KQL ms is `kqldata time`'s best wall time.
const wallOnly = ['I14FilterCountByUser', 'I14BinDcountMakeSet', 'I14ContainsOr', 'I14TakeJoinRowNumber',
  'I14TopByTime', 'I14SortTake'];

// Go: BenchmarkX-2   3   123456 ns/op   45.6 data_MB   1.0 rows_out   789 B/op   12 allocs/op
const kql = {};
for (const line of readFileSync(goOut, 'utf8').split('\n')) {
  const m = /^Benchmark(\w+?)(?:-\d+)?\s+\d+\s+(.*)$/.exec(line);
  if (!m || !tablesOf[m[1]]) continue;
  const metrics = {};
  for (const [, v, unit] of m[2].matchAll(/([\d.e+]+) (\S+)/g)) metrics[unit] = Number(v);
  const prev = kql[m[1]];
  if (!prev || metrics['ns/op'] < prev['ns/op']) kql[m[1]] = metrics;
}

const sizes = {};
for (const line of readFileSync(kqlResults, 'utf8').split('\n')) {
  if (line.startsWith('{"sizes"')) for (const s of JSON.parse(line).sizes) sizes[s.table] = s;
}
const kqlCPU = {};
for (const line of readFileSync(kqlTimes, 'utf8').split('\n')) {
  if (line) kqlCPU[JSON.parse(line).query] = JSON.parse(line);
}
const csvDir = dirname(kqlResults) + '/data';

const duck = [];
let duckMem = null;
for (const f of duckFiles) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line);
    if (rec.memory) duckMem = rec.memory;
    else duck.push(rec);
  }
}

const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
console.log(`${pad('query', 22)}${pad('duckdb variant', 22)}${lpad('KQL ms', 10)}${lpad('DuckDB ms', 11)}${lpad('ratio', 8)}` +
  `${lpad('KQL cpu', 10)}${lpad('Duck cpu', 10)}${lpad('cpu ratio', 11)}  check`);
for (const d of duck) {
  const k = kql[d.query];
  let kms = k ? k['ns/op'] / 1e6 : NaN;
  if (!k && wallOnly.includes(d.query) && kqlCPU[d.query]) kms = kqlCPU[d.query].wall_ms;
  const ratio = kms / d.best_ms;
  const flag = ratio > 2 ? '  >2x' : '';
  const kcpu = kqlCPU[d.query] ? kqlCPU[d.query].cpu_ms : NaN;
  console.log(`${pad(d.query, 22)}${pad(`${d.variant} (${d.threads} thr)`, 22)}${lpad(kms.toFixed(1), 10)}${lpad(d.best_ms.toFixed(1), 11)}${lpad(ratio.toFixed(2), 8)}` +
    `${lpad(kcpu.toFixed(1), 10)}${lpad(d.cpu_ms.toFixed(1), 10)}${lpad((kcpu / d.cpu_ms).toFixed(2), 11)}  ${d.check}${flag}`);
}

console.log('');
console.log(`${pad('query', 22)}${lpad('tables MB', 10)}${lpad('alloc MB/run', 13)}${lpad('CSV MB', 9)}${lpad('data_MB', 9)}${lpad('mem/CSV', 9)}${lpad('mem/data_MB', 12)}`);
const mb = (b) => b / 1e6;
for (const [q, tables] of Object.entries(tablesOf)) {
  const k = kql[q];
  if (!k) continue;
  let heap = 0;
  let csv = 0;
  for (const t of tables) {
    heap += sizes[t] ? sizes[t].heap_bytes : NaN;
    csv += fileSize(join(csvDir, `${t}.csv`));
  }
  const mem = heap + k['B/op'];
  console.log(`${pad(q, 22)}${lpad(mb(heap).toFixed(1), 10)}${lpad(mb(k['B/op']).toFixed(1), 13)}${lpad(mb(csv).toFixed(1), 9)}${lpad(k.data_MB.toFixed(1), 9)}${lpad((mem / csv).toFixed(2), 9)}${lpad((mb(mem) / k.data_MB).toFixed(2), 12)}`);
}
console.log('');
console.log(`${pad('query', 22)}${lpad('KQL peak MB', 12)}  (the run's peak budgeted memory: kql.Result.PeakMemory)`);
for (const [q, t] of Object.entries(kqlCPU)) {
  if (t.peak_mem_mb !== undefined) console.log(`${pad(q, 22)}${lpad(t.peak_mem_mb.toFixed(1), 12)}`);
}
if (duckMem) {
  console.log(`DuckDB buffer memory for all four tables: ${mb(duckMem.duckdb_tables_bytes).toFixed(1)} MB ` +
    `(engine heap for them: ${mb(Object.values(sizes).reduce((a, s) => a + s.heap_bytes, 0)).toFixed(1)} MB)`);
}

function fileSize(p) {
  try {
    return statSync(p).size;
  } catch {
    return NaN;
  }
}
