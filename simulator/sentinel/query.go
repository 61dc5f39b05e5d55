package sentinel

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/soclab/soclab/simulator/kql"
)

// QueryChecker compiles a rule's query against the workspace's table schemas. It returns
// the names of the result columns (nil when they are only known at run time) or the
// compiler's error.
type QueryChecker interface {
	Check(query string) (columns []string, err error)
}

// KQLChecker checks queries with the lab's KQL engine against a catalog of table schemas.
type KQLChecker struct {
	Catalog kql.Catalog
}

// NewLabChecker returns a checker over the lab's real table schemas (simulator/kql/catalog).
func NewLabChecker() (KQLChecker, error) {
	cat, err := kql.LabCatalog()
	if err != nil {
		return KQLChecker{}, fmt.Errorf("sentinel: load table schemas: %w", err)
	}
	return KQLChecker{Catalog: cat}, nil
}

// Check implements QueryChecker.
func (k KQLChecker) Check(query string) ([]string, error) {
	q, err := kql.Compile(query, k.Catalog, kql.CompileOptions{})
	if err != nil {
		return nil, err
	}
	cols := q.Columns()
	if cols == nil {
		return nil, nil
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return names, nil
}

// MaxQueryLength is Sentinel's limit on a rule query's length in characters.
const MaxQueryLength = 10000

var unresolvedTable = regexp.MustCompile(`Failed to resolve table or column expression named '([^']+)'`)

// queryError words a compile error as Sentinel does when it refuses a rule: a missing
// table gets the service's own sentence; every error carries the engine's message with its
// line and column.
func queryError(query string, err error, cat kql.Catalog) *Error {
	var ke *kql.Error
	detail := err.Error()
	if errors.As(err, &ke) {
		detail = strings.SplitN(ke.Format(query), "\n", 2)[0]
		if m := unresolvedTable.FindStringSubmatch(ke.Msg); m != nil && cat != nil {
			if _, known := cat.Table(m[1]); !known && !declaredName(query, m[1]) {
				return &Error{Status: http.StatusBadRequest, Code: "BadRequest",
					Message: "Failed to run the analytics rule query. One of the tables does not exist. " + detail}
			}
		}
	}
	return &Error{Status: http.StatusBadRequest, Code: "BadRequest", Message: "Failed to run the analytics rule query. " + detail}
}

// declaredName reports whether the query declares name with let (then an unresolved name
// is a column, not a table).
func declaredName(query, name string) bool {
	return regexp.MustCompile(`(?m)\blet\s+` + regexp.QuoteMeta(name) + `\s*=`).MatchString(query)
}
