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
//   - Aggregates keep per-group state in slices indexed by dense group ids from a Grouper
//     (hash of a byte encoding of the key values); dcount and make_set use small per-group
//     hash sets.
//
// Limits: Env.CheckRows bounds intermediate row counts, Env.Account bounds their estimated
// memory, Env.Check observes cancellation every few thousand rows.
package exec
