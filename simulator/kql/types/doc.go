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
// Strings are never null (Kusto has no null string; "" plays its role).
// Dynamic values hold a JSON-like tree in D: nil, bool, int64, float64,
// string, []any, map[string]any. See value.go and dynamic.go.
//
// # Formatting
//
// FormatText is tostring() and the table/CSV form; ToJSON is the query
// API's JSON form (datetimes trimmed, NaN/Infinity as strings).
package types
