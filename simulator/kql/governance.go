package kql

import (
	"context"
	"io"
	"strconv"
	"time"

	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/govern"
)

// IsLimitError reports whether err is a query governance error rather than a bad query: the
// run passed its memory budget (E_LOW_MEMORY_CONDITION, E_RUNAWAY_QUERY), its result was too
// large (E_QUERY_RESULT_SET_TOO_LARGE), it ran past its time budget (E_QUERY_TIMEOUT) or its
// caller went away (E_QUERY_CANCELLED). LimitCode gives the code.
func IsLimitError(err error) bool { return govern.IsLimit(err) }

// LimitCode returns the E_* code of a limit error ("" for other errors).
func LimitCode(err error) string { return govern.LimitCode(err) }

// Limit error codes (Error.Code of a limit error).
const (
	CodeRunaway        = govern.CodeRunaway
	CodeLowMemory      = govern.CodeLowMemory
	CodeResultTooLarge = govern.CodeResultTooLarge
	CodeTimeout        = govern.CodeTimeout
	CodeCancelled      = govern.CodeCancelled
)

// WithTimeBudget returns a context that ends after d and remembers d, so that compilation
// and the run (CompileContext, Run) stop with the timeout limit error naming the budget. The
// query APIs derive it from the HTTP request's context: a client that goes away cancels it.
func WithTimeBudget(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return govern.WithTimeBudget(ctx, d)
}

// truncate applies the result limits of opts to the primary table: the first rows within
// MaxResultRows and MaxResultBytes are kept and Partial names the limit that cut it.
func truncate(r *Result, opts RunOptions) *Result {
	t := r.Table
	if opts.MaxResultRows > 0 && t.N > opts.MaxResultRows {
		r.Table = t.Head(opts.MaxResultRows)
		r.Partial = govern.ResultRecords(opts.MaxResultRows)
		t = r.Table
	}
	if opts.MaxResultBytes > 0 {
		if n, over := rowsWithin(t, opts.MaxResultBytes); over {
			r.Table = t.Head(n)
			r.Partial = govern.ResultSize(opts.MaxResultBytes)
		}
	}
	return r
}

// rowsWithin is how many leading rows of t fit in max bytes (by the accounting estimate of
// their values), and whether the table is larger than that.
func rowsWithin(t *Table, max int64) (int, bool) {
	if exec.TableBytes(t) <= max {
		return t.N, false
	}
	var used int64
	for i := 0; i < t.N; i++ {
		for _, v := range t.Vecs {
			used += govern.ValueBytes(v.Get(i))
		}
		if used > max {
			return i, true
		}
	}
	return t.N, false
}

// PartialError is Log Analytics' "error" member next to the tables of a truncated result:
// 200 with the rows kept and this object (code PartialError; the engine's message in the
// detail's innererror, with the Kusto HRESULT as a signed number).
type PartialError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Details []PartialDetail `json:"details"`
}

// PartialDetail is one detail of a PartialError.
type PartialDetail struct {
	Code       string       `json:"code"`
	Message    string       `json:"message"`
	Innererror PartialInner `json:"innererror"`
}

// PartialInner is the engine's own error inside a PartialDetail.
type PartialInner struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Severity     int    `json:"severity"`
	SeverityName string `json:"severityName"`
}

// partialError is the PartialError of a truncated result (nil when complete).
func (r *Result) partialError() *PartialError {
	if r.Partial == nil {
		return nil
	}
	return NewPartialError(r.Partial)
}

// hresults are Kusto's error numbers of the limit codes, printed by Log Analytics as signed
// 32-bit integers (0x80DA0003 is -2133196797).
var hresults = map[string]int32{
	CodeRunaway:        -2133196799, // 0x80DA0001
	CodeResultTooLarge: -2133196797, // 0x80DA0003
	CodeLowMemory:      -2133196793, // 0x80DA0007
	CodeTimeout:        -2133196799, // reported with the runaway number: the request exceeded its limits
	CodeCancelled:      -2133196799,
}

// NewPartialError is Log Analytics' PartialError for an engine error: code PartialError, the
// detail EngineError, and in its innererror Kusto's number and message.
func NewPartialError(e *Error) *PartialError {
	code := "-2133196799"
	if h, ok := hresults[e.Code]; ok {
		code = strconv.Itoa(int(h))
	}
	return &PartialError{Code: "PartialError", Message: "There were some errors when processing your query.",
		Details: []PartialDetail{{Code: "EngineError", Message: "Something went wrong processing your query on the server.",
			Innererror: PartialInner{Code: code, Message: e.Msg, Severity: 2, SeverityName: "Error"}}}}
}

// WriteLogAnalyticsFailure writes the answer of a query that stopped at a limit before it
// had a result: the primary table with the query's columns and no rows, and the
// PartialError naming the limit (a run-time failure is a partial failure in Kusto's terms).
func (q *Query) WriteLogAnalyticsFailure(w io.Writer, e *Error) error {
	var cols []ResultColumn
	for _, c := range q.Columns() {
		cols = append(cols, ResultColumn{Name: c.Name, Type: c.Type.String()})
	}
	if cols == nil {
		cols = []ResultColumn{}
	}
	return writeJSON(w, struct {
		Tables []LogAnalyticsTable `json:"tables"`
		Error  *PartialError       `json:"error"`
	}{[]LogAnalyticsTable{{Name: "PrimaryResult", Columns: cols, Rows: [][]any{}}}, NewPartialError(e)})
}
