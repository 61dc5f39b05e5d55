// Package govern holds what bounds one query run: the memory Budget that builders, operators
// and scalar functions charge as they allocate, the size of values (strings by their bytes,
// dynamic trees by a walk), and the limit errors in Kusto's words.
//
// A Budget is shared by everything one run does (it is safe for concurrent use); charges are
// made in chunks as data grows, and a charge that would pass the limit fails before the
// memory is taken, so a hostile query stops with Kusto's error instead of exhausting the
// process. Limit errors are *diag.Error values with one of the E_* codes below; IsLimit
// recognises them. The messages and their sources are listed in docs/kql-limits.md.
package govern
