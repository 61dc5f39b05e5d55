package govern

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/soclab/soclab/simulator/kql/diag"
)

// Limit error codes (Kusto's own error names, carried as diag.Error.Code).
const (
	// CodeRunaway: an operator or a value passed its memory limit (E_RUNAWAY_QUERY, 80DA0001).
	CodeRunaway = "E_RUNAWAY_QUERY"
	// CodeLowMemory: the run as a whole passed its memory budget (E_LOW_MEMORY_CONDITION, 80DA0007).
	CodeLowMemory = "E_LOW_MEMORY_CONDITION"
	// CodeResultTooLarge: the result passed the record count or data size limit (80DA0003).
	CodeResultTooLarge = "E_QUERY_RESULT_SET_TOO_LARGE"
	// CodeTimeout: the query ran past its time budget.
	CodeTimeout = "E_QUERY_TIMEOUT"
	// CodeCancelled: the caller went away (client disconnected, context cancelled).
	CodeCancelled = "E_QUERY_CANCELLED"
)

// IsLimit reports whether err is (or wraps) a limit error: memory, result size, time or
// cancellation. The rule engine uses it to tell a failed run from a bad query.
func IsLimit(err error) bool {
	var de *diag.Error
	if !errors.As(err, &de) {
		return false
	}
	switch de.Code {
	case CodeRunaway, CodeLowMemory, CodeResultTooLarge, CodeTimeout, CodeCancelled:
		return true
	}
	return false
}

// LimitCode returns the E_* code of a limit error, or "" when err is not one.
func LimitCode(err error) string {
	var de *diag.Error
	if IsLimit(err) && errors.As(err, &de) {
		return de.Code
	}
	return ""
}

func limitErr(code, format string, args ...any) *diag.Error {
	return diag.Errorf(code, diag.NoPos, diag.NoPos, format, args...)
}

// LowMemory is the error of a run that would pass its memory budget.
func LowMemory() *diag.Error {
	return limitErr(CodeLowMemory, "Query execution lacks memory resources to complete (80DA0007): Partial query failure: Low memory condition (E_LOW_MEMORY_CONDITION). (message: 'bad allocation', details: '')")
}

// OperatorBudget is the error of an operator (Summarize, HashJoin, Sort, …) whose state
// would pass the memory budget.
func OperatorBudget(op string) *diag.Error {
	return limitErr(CodeRunaway, "Query execution has exceeded the allowed limits (80DA0001): The %s operator has exceeded the memory budget during evaluation. Results may be incorrect or incomplete (E_RUNAWAY_QUERY).", op)
}

// StringTooLarge is the error of a single string value over MaxStringBytes.
func StringTooLarge() *diag.Error {
	return limitErr(CodeRunaway, "Query execution has exceeded the allowed limits (80DA0001): Partial query failure: Runaway query (E_RUNAWAY_QUERY). (message: 'Single string size shouldn't exceed the limit of %s (see http://aka.ms/kustoquerylimits)')", sizeText(MaxStringBytes))
}

// ResultRecords is the error (or partial-result warning) of a result over maxRecords rows.
func ResultRecords(maxRecords int) *diag.Error {
	return limitErr(CodeResultTooLarge, "Query execution has exceeded the allowed limits (80DA0003): The results of this query exceed the set limit of %d records, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). See https://aka.ms/kustoquerylimits for more information and possible solutions..", maxRecords)
}

// ResultSize is the error (or partial-result warning) of a result over maxBytes of data.
func ResultSize(maxBytes int64) *diag.Error {
	return limitErr(CodeResultTooLarge, "Query result set has exceeded the internal data size limit %d (E_QUERY_RESULT_SET_TOO_LARGE).", maxBytes)
}

// Timeout is the error of a query that ran past its time budget d (compile and run).
func Timeout(d fmt.Stringer) *diag.Error {
	return limitErr(CodeTimeout, "Query execution has exceeded the allowed limits: the request execution timed out after %s (Request_ExecutionTimeout).", d)
}

// Cancelled is the error of a query whose caller went away.
func Cancelled() *diag.Error {
	return limitErr(CodeCancelled, "Query execution was cancelled: the request was cancelled by the client (E_QUERY_CANCELLED).")
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// budgetKey carries a query's time budget in its context, for the timeout message.
type budgetKey struct{}

// WithTimeBudget returns a context that ends after d and remembers d, so that compilation
// and the run stop with the timeout error naming the budget.
func WithTimeBudget(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	ctx = context.WithValue(ctx, budgetKey{}, d)
	return context.WithTimeout(ctx, d)
}

// TimeBudgetOf is the budget WithTimeBudget stored in ctx (0: none).
func TimeBudgetOf(ctx context.Context) time.Duration {
	d, _ := ctx.Value(budgetKey{}).(time.Duration)
	return d
}

// ContextError turns a finished context into the matching limit error (nil while it runs):
// past its deadline the timeout error, otherwise the cancellation error.
func ContextError(ctx context.Context) error {
	switch err := ctx.Err(); {
	case err == nil:
		return nil
	case errors.Is(err, context.DeadlineExceeded):
		return Timeout(TimeBudgetOf(ctx))
	default:
		return Cancelled()
	}
}
