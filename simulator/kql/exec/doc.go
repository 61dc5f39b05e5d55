// Package exec is the KQL engine's columnar executor: immutable tables of typed vectors, the
// tabular operators as plan nodes, the aggregates, and the per-run environment.
//
//   - Vector: one column; int64 storage for bool/int/long/datetime/timespan, float64 for
//     real/decimal, string for string/guid, any for dynamic; nulls in a bitmap that is nil
//     while a column has none (strings are never null, as in Kusto).
//   - Table: named, typed columns of equal length; operators share unchanged vectors and
//     gather rows through index vectors (selection vectors for filters, row pairs for joins).
//   - Node: Columns() (the static schema) and Run(env); nodes are immutable and shared by
//     concurrent runs, everything a run changes lives in its Env (clock, seed, limits, caches,
//     cancellation, scratch stack for function arguments).
//   - Expr: a compiled scalar expression: static type, row evaluator, optional constant value
//     and optional typed filter fast path.
//   - Builder: while a table is built, repeated dynamic bags/arrays and repeated texts of a
//     string column are shared, other texts are copied into arena chunks (far fewer heap
//     objects: less memory and GC work, scans stay in cache).
//   - Dictionaries (dict.go, dictscan.go): a string or GUID vector's codes (Vector.Dict,
//     StringDict), built once per column and cached in a cell its views (Prefix) share,
//     carried through gathers. Filters on an encoded column test each distinct value once
//     (CodeSet) and keep rows by code; the grouper and dcount/make_set read codes.
//   - Summarize: one or two keys that are plain columns or bin(column, constant) group by
//     integers (grouper.go: dictionary codes, offsets from the smallest value, a flat array or
//     an integer table); the aggregates then fold on Env.Workers goroutines, each owning whole
//     groups (summarize_fold.go), and with many groups and dcount/make_set over rows sorted by
//     group. Other keys go in batches of 1024 rows through PairGrouper (the keys as an integer
//     pair, strings as codes of a per-run dictionary) or Grouper (a byte encoding of the
//     values). Aggregates keep per-group state in slices indexed by the dense group ids.
//   - Join on one string key: a flat open-addressing table of (hash, row) over the key column;
//     other keys go through a Grouper.
//
// Limits: Env.CheckRows bounds intermediate row counts, Env.Account bounds their estimated
// memory, Env.Check observes cancellation every few thousand rows.
package exec
