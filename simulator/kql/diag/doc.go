// Package diag holds source positions and the error type shared by every
// phase of the KQL engine (lexer, parser, analyzer, executor).
//
// Positions are byte offsets into the query text (type Pos). Line and column
// are computed only when an error is printed, as go/token does, so the hot
// paths never track lines.
//
// Error codes follow Kusto's own families:
//
//	SYN0002  syntax error: the query could not be parsed (the lexer and the
//	         parser use this one code, as Kusto does; Msg says what was expected)
//	SYN0001  syntax error: the query is too deeply nested or too long
//	SEM0100  semantic error: unknown name (table, column, function, let name)
//	SEM0101  semantic error: wrong argument count or argument type
//	SEM0102  semantic error: operand types do not fit the operator
//	SEM0103  semantic error: any other invalid construct
//	RUN0001  runtime error: evaluation failed (limit, cancel, internal error)
//
// Codes starting with "SYN" render as "Syntax error", "SEM" as
// "Semantic error" and anything else as "Query error".
package diag
