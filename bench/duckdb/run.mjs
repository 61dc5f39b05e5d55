// DuckDB side of the KQL engine benchmarks (simulator/kql/bench_test.go): the same four
// queries in SQL over the same rows, exported by bench/kqldata. See bench/README.md.
//
//   node run.mjs --data DIR [--kql-results FILE] [--runs N] [--threads T|default]
//
// Loads the CSVs with explicit column types (untimed), runs each query once to warm up, then
// N timed runs (execution and result materialisation, data already loaded, as the Go benchmark
// measures Run only). Prints one JSON line per query and variant:
//   {"query","variant","threads","best_ms","median_ms","cpu_ms","runs","rows","check"}
// (cpu_ms: the least user+system time of the process over the runs, all DuckDB threads.)
// and one {"memory":...} line (DuckDB's buffer memory after loading the four tables).
// With --kql-results (written by `kqldata results`), each result is compared with the KQL
// engine's, row by row after canonical ordering; a difference prints "MISMATCH" on stderr
// and makes the exit status 1.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const opts = parseArgs(process.argv.slice(2));
const dir = opts.data || '/tmp/soclab-bench/data';
const runs = Number(opts.runs || 5);
const threads = String(opts.threads || 2);

// Column types as the engine holds them: datetime has 100 ns ticks (TIMESTAMP_NS keeps all
// seven fractional digits), dynamic is JSON.
const schemas = {
  SigninLogs: {
    TimeGenerated: 'TIMESTAMP_NS', UserPrincipalName: 'VARCHAR', IPAddress: 'VARCHAR', ResultType: 'VARCHAR',
    RiskLevelDuringSignIn: 'VARCHAR', LocationDetails: 'JSON', AppDisplayName: 'VARCHAR',
  },
  AzureActivity: {
    TimeGenerated: 'TIMESTAMP_NS', Caller: 'VARCHAR', ResourceGroup: 'VARCHAR', SubscriptionId: 'VARCHAR',
    OperationNameValue: 'VARCHAR', CategoryValue: 'VARCHAR', ActivityStatusValue: 'VARCHAR',
  },
  L: { Key: 'VARCHAR', V: 'BIGINT' },
  R: { Key: 'VARCHAR', V: 'BIGINT' },
};

const now = "TIMESTAMP_NS '2025-01-15 10:00:00'";
const rule1 = (city) => `
  SELECT UserPrincipalName, ${city} AS City, count(*) AS SignIns
  FROM SIGNINS
  WHERE TimeGenerated > ${now} - INTERVAL 1 HOUR
    AND ResultType = '0'
    AND RiskLevelDuringSignIn IN ('high', 'medium')
    AND ${city} <> ''
  GROUP BY ALL`;

// Each query: the benchmark it mirrors, a variant name, the SQL. The first variant of each
// query is the exact-semantics translation; the others are what a DuckDB user might write
// instead (same result on this data), reported for context.
const queries = [
  { query: 'Rule1FilterSummarize', variant: 'json',
    sql: rule1("json_extract_string(LocationDetails, '$.city')").replace('SIGNINS', 'SigninLogs') },
  { query: 'Rule1FilterSummarize', variant: 'struct',
    sql: rule1('LocationDetails.city').replace('SIGNINS', 'SigninLogsTyped') },
  { query: 'Join100kx100k', variant: 'sql',
    sql: 'SELECT count(*) AS "Count" FROM L JOIN R ON L.Key = R.Key' },
  { query: 'Rule3DcountMakeSet', variant: 'sql',
    sql: `SELECT time_bucket(INTERVAL 5 MINUTE, TimeGenerated) AS TimeGenerated, Caller,
                 count(DISTINCT ResourceGroup) AS ResourceGroupCount,
                 list(DISTINCT OperationNameValue)[1:10] AS Operations
          FROM AzureActivity GROUP BY ALL` },
  // has_any: whole-term, case-insensitive matches (Kusto's `has`), hence the regex.
  { query: 'HasAnyScan', variant: 'regex',
    sql: `SELECT count(*) AS "Count" FROM AzureActivity
          WHERE regexp_matches(OperationNameValue,
            '(?i)(^|[^[:alnum:]])(microsoft\\.keyvault|microsoft\\.storage|microsoft\\.sql)($|[^[:alnum:]])')` },
  { query: 'HasAnyScan', variant: 'ilike',
    sql: `SELECT count(*) AS "Count" FROM AzureActivity
          WHERE OperationNameValue ILIKE '%microsoft.keyvault%' OR OperationNameValue ILIKE '%microsoft.storage%'
             OR OperationNameValue ILIKE '%microsoft.sql%'` },
  // Issue 14's shapes on SigninLogs. The join is Kusto's default kind=innerunique (the left
  // side deduplicated on the key); rowid is the CSV's row order (insertion order is kept), so
  // `take 100000` is the first 100 000 rows as in the engine.
  { query: 'I14FilterCountByUser', variant: 'sql',
    sql: `SELECT UserPrincipalName, count(*) AS count_ FROM SigninLogs
          WHERE ResultType = '0' AND RiskLevelDuringSignIn IN ('high', 'medium') GROUP BY ALL` },
  { query: 'I14BinDcountMakeSet', variant: 'sql',
    sql: `SELECT time_bucket(INTERVAL 5 MINUTE, TimeGenerated) AS TimeGenerated, UserPrincipalName,
                 count(DISTINCT IPAddress) AS dcount_IPAddress,
                 list(DISTINCT AppDisplayName)[1:10] AS set_AppDisplayName, count(*) AS count_
          FROM SigninLogs GROUP BY ALL` },
  { query: 'I14ContainsOr', variant: 'ilike',
    sql: `SELECT count(*) AS "Count" FROM SigninLogs
          WHERE AppDisplayName ILIKE '%vault%' OR AppDisplayName ILIKE '%storage%'` },
  { query: 'I14TakeJoinRowNumber', variant: 'sql',
    sql: `SELECT count(*) AS "Count"
          FROM (SELECT DISTINCT UserPrincipalName FROM SigninLogs WHERE rowid < 100000) l
          JOIN (SELECT UserPrincipalName FROM SigninLogs WHERE rowid BETWEEN 100000 AND 199999) r
          USING (UserPrincipalName)` },
  { query: 'I14TopByTime', variant: 'sql',
    sql: `SELECT UserPrincipalName, TimeGenerated FROM SigninLogs ORDER BY TimeGenerated DESC LIMIT 20` },
  { query: 'I14SortTake', variant: 'sql',
    sql: `SELECT UserPrincipalName, TimeGenerated FROM SigninLogs WHERE RiskLevelDuringSignIn = 'high'
          ORDER BY UserPrincipalName ASC, TimeGenerated DESC LIMIT 1000` },
];

// threads "default" leaves DuckDB's own setting (every core), as users run it.
const db = await DuckDBInstance.create(':memory:', threads === 'default' ? {} : { threads });
const con = await db.connect();
const threadsUsed = Number((await con.runAndReadAll("SELECT current_setting('threads')")).getRowsJson()[0][0]);
for (const [table, cols] of Object.entries(schemas)) {
  const columns = Object.entries(cols).map(([c, t]) => `'${c}': '${t}'`).join(', ');
  await con.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv('${dir}/${table}.csv',
    header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}})`);
}
// DuckDB's memory for the loaded tables (before the typed copy below).
const loadedBytes = Number((await con.runAndReadAll(
  'SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()')).getRowsJson()[0][0]);
// The typed variant: the dynamic column as a STRUCT, the shape DuckDB would infer.
await con.run(`CREATE TABLE SigninLogsTyped AS SELECT * REPLACE
  (CAST(LocationDetails AS STRUCT(city VARCHAR, countryOrRegion VARCHAR)) AS LocationDetails) FROM SigninLogs`);

const kql = opts['kql-results'] ? readKqlResults(opts['kql-results']) : null;
let mismatches = 0;
for (const q of queries) {
  await con.runAndReadAll(q.sql); // warm-up
  const times = [];
  let cpuBest = Infinity;
  let reader;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    reader = await con.runAndReadAll(q.sql);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpuBest = Math.min(cpuBest, (c.user + c.system) / 1e3);
  }
  times.sort((a, b) => a - b);
  const rows = reader.getRowsJson();
  let check = 'skipped';
  if (kql) {
    const diff = compare(kql[q.query], rows);
    check = diff ? 'MISMATCH' : 'ok';
    if (diff) {
      mismatches++;
      console.error(`MISMATCH ${q.query}/${q.variant}: ${diff}`);
    }
  }
  console.log(JSON.stringify({
    query: q.query, variant: q.variant, threads: threadsUsed, best_ms: round(times[0]),
    median_ms: round(times[Math.floor(times.length / 2)]), cpu_ms: round(cpuBest), runs, rows: rows.length, check,
  }));
}

console.log(JSON.stringify({ memory: { duckdb_tables_bytes: loadedBytes, node_rss_bytes: process.memoryUsage().rss } }));
process.exitCode = mismatches ? 1 : 0;

function parseArgs(args) {
  const out = {};
  for (let i = 0; i < args.length; i += 2) {
    if (!args[i].startsWith('--') || i + 1 >= args.length) {
      console.error('usage: node run.mjs --data DIR [--kql-results FILE] [--runs N] [--threads T]');
      process.exit(2);
    }
    out[args[i].slice(2)] = args[i + 1];
  }
  return out;
}

function round(ms) { return Math.round(ms * 100) / 100; }

// readKqlResults maps query name to the engine's canonical rows.
function readKqlResults(path) {
  const byQuery = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const rec = JSON.parse(line);
    if (rec.query) byQuery[rec.query] = rec.rows;
  }
  return byQuery;
}

// canon renders a cell so both engines' forms compare equal: numbers as decimal text,
// timestamps as YYYY-MM-DDTHH:MM:SS[.fraction] without zone or trailing zeros, arrays sorted.
function canon(v) {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(canon).sort();
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') {
    const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?Z?$/.exec(v);
    if (m) return `${m[1]}T${m[2]}${(m[3] || '').replace(/\.?0+$/, '')}`;
    if (/^-?\d+$/.test(v)) return v; // BIGINT comes back as text
    return v;
  }
  return v;
}

// compare returns a description of the first difference, or '' when equal.
function compare(kqlRows, duckRows) {
  if (!kqlRows) return 'no KQL result for this query';
  const a = kqlRows.map((r) => JSON.stringify(r.map(canon))).sort();
  const b = duckRows.map((r) => JSON.stringify(r.map(canon))).sort();
  if (a.length !== b.length) return `row count KQL ${a.length} vs DuckDB ${b.length}; first KQL row ${a[0]}, first DuckDB row ${b[0]}`;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return `row ${i} differs: KQL ${a[i]} vs DuckDB ${b[i]}`;
  }
  return '';
}
