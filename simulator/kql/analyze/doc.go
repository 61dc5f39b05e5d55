// Package analyze is the KQL engine's semantic phase: it turns a parsed script (package ast)
// into an executable plan of exec.Nodes, resolving every name and type once so that runs do
// no lookups.
//
// What it does:
//
//   - scopes: let statements bind scalars (evaluated once per run), tables (materialized once
//     per run when used several times) and functions; user functions are expanded at each call
//     site with their parameters bound (scalar, tabular, named, defaulted, piped by invoke);
//   - tables: names resolve against the Catalog (exact, case-sensitive), wildcards against its
//     list; unknown names are Kusto's SEM0100 "Failed to resolve table or column expression";
//   - columns and types: each operator is analyzed against its input's schema; expressions
//     compile to closures over column indexes with static types from package types and the
//     function registry (package funcs), and typed fast paths for simple filters;
//   - naming: Kusto.Language's result names (count_, dcount_X, set_X, X for tostring(X) and
//     bin(X, ..), strlen_X, Column1, print_N, Key1 for join duplicates, x_long for union
//     type conflicts);
//   - operators whose output schema depends on the data (evaluate bag_unpack) are planned as
//     exec.Deferred, and the operators after them are analyzed at run time.
//
// Errors are *diag.Error with the offending range, raised with panic inside the analyzer and
// recovered by Analyze (so deeply nested analysis code stays readable).
package analyze
