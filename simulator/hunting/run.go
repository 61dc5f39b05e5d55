package hunting

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// Retention is how far back advanced hunting sees.
const Retention = 30 * 24 * time.Hour

// MaxRows is the service's result limit (larger results are cut to it).
const MaxRows = 100000

// MaxResultBytes is the service's result size limit (124 MB): a larger result is refused.
const MaxResultBytes = 124 << 20

// Timeout is the service's per-query limit (compile and run).
const Timeout = 3 * time.Minute

// QueryMemory is the memory budget of one query (as the Log Analytics API's).
const QueryMemory = 512 << 20

// ErrThrottled is a query refused by the tenant's concurrency bound.
var ErrThrottled = errors.New("Too many requests: the tenant has reached its limit of concurrent queries. Please retry later.")

// QueryError is a query the service refuses, with the message its APIs show. Engine is the
// engine's own error when there is one (its position marks the place in the editor).
type QueryError struct {
	Msg    string
	Engine *kql.Error
}

// Error implements error.
func (e *QueryError) Error() string { return e.Msg }

// Result is a finished hunting query.
type Result struct {
	*kql.Result
	Elapsed time.Duration
	Rows    int
}

// sizeLimitMsg is the engine's message of a result over MaxResultBytes.
var sizeLimitMsg = govern.ResultSize(MaxResultBytes).Msg

// Run runs a hunting query for a tenant at its clock, over [now-30d, now] cut by timespan (a
// duration, an ISO interval or one RFC 3339 time meaning "from then on"); gate admits it.
func Run(ctx context.Context, gate *sched.Gate, e *logs.Engine, tenantID, query, timespan string) (*Result, error) {
	if strings.TrimSpace(query) == "" {
		return nil, &QueryError{Msg: "The 'Query' parameter is required and must not be empty."}
	}
	now, err := e.World().Now(tenantID)
	if err != nil {
		return nil, err
	}
	start, end := now.Add(-Retention), now
	if timespan != "" {
		s, en, err := parseTimespan(timespan, now)
		if err != nil {
			return nil, &QueryError{Msg: "Invalid Timespan: " + err.Error()}
		}
		start, end = maxTime(s, start), minTime(en, end)
	}
	began := time.Now()
	ctx, cancel := kql.WithTimeBudget(ctx, Timeout)
	defer cancel()
	ctx, release, err := gate.Admit(ctx, tenantID)
	if err != nil {
		return nil, ErrThrottled
	}
	defer release()
	q, err := kql.CompileContext(ctx, query, e.HuntingCatalog(), kql.CompileOptions{})
	if err != nil {
		return nil, queryError(query, err)
	}
	db, err := e.Hunting(tenantID, now)
	if err != nil {
		return nil, err
	}
	res, err := q.Run(ctx, logs.Restrict(db, start, end), kql.RunOptions{Now: now, Seed: now.UnixNano(), MaxMemory: govern.FitToProcess(QueryMemory),
		MaxResultRows: MaxRows, MaxResultBytes: MaxResultBytes})
	if err != nil {
		return nil, queryError(query, err)
	}
	if res.Partial != nil && res.Partial.Msg == sizeLimitMsg {
		return nil, &QueryError{Msg: "Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again."}
	}
	return &Result{Result: res, Elapsed: time.Since(began), Rows: res.Len()}, nil
}

// parseTimespan takes the Graph forms: a duration, an interval, or one datetime (from then on).
func parseTimespan(s string, now time.Time) (time.Time, time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s)); err == nil {
		return t, now, nil
	}
	return logs.ParseTimespan(s, now)
}

// queryError words an engine error as the hunting services do.
func queryError(src string, err error) error {
	var ke *kql.Error
	if !errors.As(err, &ke) {
		return err
	}
	if ke.IsSyntax() {
		line, pos, tok := SyntaxPlace(src, ke)
		return &QueryError{Msg: fmt.Sprintf("Query could not be parsed at '%s' on line [%d,%d]", tok, line, pos), Engine: ke}
	}
	return &QueryError{Msg: ke.Msg, Engine: ke}
}

// SyntaxPlace is where the services say a syntax error is: the 1-based line, the 0-based
// position in the line and the offending token ("" at the end of the query). An error that
// points at whitespace (the end of the previous token) names the next token, as they do.
func SyntaxPlace(src string, e *kql.Error) (line, pos int, token string) {
	at := tokenStart(src, e)
	line, col := diag.LineCol(src, at.Pos)
	return line, col - 1, at.Token(src)
}

func tokenStart(src string, e *kql.Error) *kql.Error {
	p := int(e.Pos)
	for p >= 0 && p < len(src) && strings.ContainsRune(" \t\r\n", rune(src[p])) {
		p++
	}
	if p == int(e.Pos) {
		return e
	}
	end := p
	isWord := func(c byte) bool {
		return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
	}
	for end < len(src) && isWord(src[end]) {
		end++
	}
	if end == p && p < len(src) {
		end = p + 1
		for end < len(src) && strings.IndexByte("=<>!~", src[end]) >= 0 {
			end++
		}
	}
	moved := *e
	moved.Pos, moved.End = diag.Pos(p), diag.Pos(end)
	return &moved
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// ErrorSpan is the byte range of the query an engine error is about, as the editor marks it:
// for a syntax error the token the services name (SyntaxPlace), else the error's own range.
func ErrorSpan(src string, e *kql.Error) (start, end int) {
	at := e
	if e.IsSyntax() {
		at = tokenStart(src, e)
	}
	start, end = int(at.Pos), int(at.End)
	if end <= start {
		end = start + 1
	}
	return start, end
}
