// Package types is Kusto's scalar type system for the soclab KQL engine:
// the Type enumeration, the Value struct every column cell and scalar
// result uses, literal parsing (datetime, timespan, guid, dynamic JSON),
// text and JSON formatting, conversions (the to<type>() rules), and
// comparison, hashing and arithmetic with Kusto's promotion rules.
//
// # Value representation
//
// Value is a flat struct {T, Null, I, F, S, D}: scalars live in I (bool,
// int, long, datetime ticks, timespan ticks), F (real, decimal) or S
// (string, guid), so building and passing them never allocates. Datetimes
// are 100 ns ticks since the Unix epoch; timespans are 100 ns ticks.
// Decimal is held as float64 (no 128-bit decimal arithmetic). Strings are
// never null (Kusto has no null string; "" plays its role). Dynamic values
// hold a JSON-like tree in D: nil, bool, int64, float64, string, []any,
// map[string]any; datetimes/timespans/guids put into a dynamic value are
// stored as their text. Property bags print with sorted keys.
//
// # Literals
//
// ParseDateTime accepts ISO 8601 (with or without Z, fraction, seconds,
// time, a numeric offset), "yyyy-MM-dd HH:mm", MM-dd-yyyy, and the RFC 822
// / RFC 850 forms of Kusto's datetime docs. ParseTimeSpan accepts
// number+unit (1d, 1.5h, 100ms, 10microsecond, 1tick, -1d) and the clock
// form [d.]hh:mm[:ss[.fffffff]]. ParseJSON keeps integers as int64 and
// accepts single-quoted strings as Kusto's dynamic literals do.
//
// # Formatting
//
// FormatText is tostring() and the table/CSV form (datetimes with seven
// fraction digits); ToJSON is the query API's JSON form (datetimes
// trimmed to 2025-01-15T08:30:00Z, NaN/Infinity as strings).
//
// # Implicit conversions (sources in compare.go and arith.go)
//
//   - `==`/`!=` accept any two scalars (Kusto.Language Operators.cs). A
//     string against a number compares as text: tostring(number) == string,
//     so SigninLogs' string ResultType == 0 matches "0", as Microsoft's own
//     Sentinel rules expect. Numbers of any kind compare numerically; a
//     dynamic operand is unwrapped to its scalar; guid == string parses the
//     string. Null equals nothing (see funcs.CompareValue for Kusto's
//     bool(null) results).
//   - `<`, `<=`, `>`, `>=` need both sides orderable: numbers (and bool),
//     datetime, timespan, string with string, datetime with a string that
//     parses as a datetime. Otherwise ComparisonError gives Kusto's
//     "Cannot compare values of types string and long. Try adding explicit casts".
//   - Arithmetic: int op int is long (real Kusto widens; Kusto-Query-Language
//     issue #68), long op real is real; integer division truncates; integer
//     division or modulo by zero is null; modulo is never negative;
//     datetime − datetime is a timespan; datetime ± timespan a datetime;
//     timespan × number a timespan; timespan / timespan a real.
//
// # Grouping and sorting
//
// AppendKey and Hash give group/join keys (1 and 1.0 share a key; "1" and
// 1 do not); SortCompare is the total order for sort (nulls first in asc,
// so last in desc, Kusto's defaults).
package types
