#!/usr/bin/env node
// Syntax verdicts of Microsoft's Kusto.Language for a JSON array of queries.
//   npm install --prefix DIR @kusto/language-service-next@12.4.1
//   KUSTO_LS_DIR=DIR/node_modules/@kusto/language-service-next node msparse.js in.json out.json
// Output: [{ok} | {ok:false, msg, start}] (first error diagnostic only).
'use strict';
const fs = require('fs');
const dir = process.env.KUSTO_LS_DIR;
require(dir + '/bridge.js');
require(dir + '/Kusto.Language.Bridge.js');
const Kusto = global.Kusto;
const queries = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = queries.map(q => {
  try {
    const diags = Kusto.Language.KustoCode.Parse(q).GetSyntaxDiagnostics();
    for (let i = 0; i < diags.Count; i++) {
      const d = diags.getItem(i);
      if (String(d.Severity) === 'Error') return { ok: false, msg: d.Message, start: d.Start };
    }
    return { ok: true };
  } catch (e) {
    return { ok: false, msg: 'parser exception: ' + e };
  }
});
fs.writeFileSync(process.argv[3], JSON.stringify(out));
