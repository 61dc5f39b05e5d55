// DuckDB side of the KQL engine benchmarks (simulator/kql/bench_test.go): the same four
// queries in SQL over the same generated tables.
//
//   KQL_BENCH_EXPORT=/tmp/benchdata go test ./simulator/kql -run TestExportBenchData
//   npm install --prefix /tmp/duck @duckdb/node-api
//   cp bench/duckdb/run.mjs /tmp/duck/ && node /tmp/duck/run.mjs /tmp/benchdata [runs]
//
// Prints one line per query: best wall time of the runs in ms and the result row count.
import { DuckDBInstance } from '@duckdb/node-api';

const dir = process.argv[2] || '/tmp/benchdata';
const runs = Number(process.argv[3] || 3);
const db = await DuckDBInstance.create(':memory:', { threads: '2' });
const con = await db.connect();

for (const t of ['SigninLogs', 'AzureActivity', 'L', 'R']) {
  await con.run(`CREATE TABLE ${t} AS SELECT * FROM read_csv_auto('${dir}/${t}.csv', header=true)`);
}

const now = "TIMESTAMP '2025-01-15 10:00:00'";
const queries = {
  Rule1FilterSummarize: `
    SELECT UserPrincipalName, json_extract_string(LocationDetails, '$.city') AS City, count(*) AS SignIns
    FROM SigninLogs
    WHERE TimeGenerated > ${now} - INTERVAL 1 HOUR
      AND CAST(ResultType AS VARCHAR) = '0'
      AND RiskLevelDuringSignIn IN ('high', 'medium')
      AND json_extract_string(LocationDetails, '$.city') <> ''
    GROUP BY 1, 2`,
  Join100kx100k: `SELECT count(*) FROM L JOIN R ON L.Key = R.Key`,
  Rule3DcountMakeSet: `
    SELECT time_bucket(INTERVAL 5 MINUTE, TimeGenerated) AS TimeGenerated, Caller,
           count(DISTINCT ResourceGroup) AS ResourceGroupCount,
           list(DISTINCT OperationNameValue)[1:10] AS Operations
    FROM AzureActivity GROUP BY 1, 2`,
  HasAnyScan: `
    SELECT count(*) FROM AzureActivity
    WHERE regexp_matches(OperationNameValue, '(?i)(^|[^a-z0-9])(microsoft\\.keyvault|microsoft\\.storage|microsoft\\.sql)($|[^a-z0-9])')`,
};

for (const [name, sql] of Object.entries(queries)) {
  let best = Infinity;
  let rows = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const reader = await con.runAndReadAll(sql);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    rows = reader.getRows().length;
    best = Math.min(best, ms);
  }
  console.log(`${name}\t${best.toFixed(1)} ms\trows=${rows}`);
}
