package hunting

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/loganalytics"
	"github.com/soclab/soclab/simulator/kql"
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

// QueryMemory is the memory budget of one query (see loganalytics.QueryMemory).
const QueryMemory = 512 << 20

// Option configures the hunting routes.
type Option func(*config)

type config struct{ gate *sched.Gate }

// WithGate admits queries through gate, shared with the other query APIs.
func WithGate(gate *sched.Gate) Option { return func(c *config) { c.gate = gate } }

func newConfig(opts []Option) *config {
	c := &config{}
	for _, o := range opts {
		o(c)
	}
	if c.gate == nil {
		c.gate = sched.New(sched.Options{})
	}
	return c
}

// errThrottled is a query refused by the tenant's concurrency bound.
var errThrottled = errors.New("Too many requests: the tenant has reached its limit of concurrent queries. Please retry later.")

// dotnetTypes maps Kusto types to the .NET type names the hunting APIs report.
var dotnetTypes = map[string]string{
	"string": "String", "datetime": "DateTime", "long": "Int64", "int": "Int32", "real": "Double", "bool": "Boolean",
	"dynamic": "Object", "guid": "Guid", "timespan": "TimeSpan", "decimal": "Decimal",
}

// result is a finished hunting query.
type result struct {
	res     *kql.Result
	elapsed time.Duration
	rows    int
}

// errQuery is a query the engine refused, with the message the services show.
type errQuery struct{ msg string }

func (e *errQuery) Error() string { return e.msg }

// run runs a hunting query for a tenant at its clock, over [now-30d, now] cut by timespan.
func run(ctx context.Context, c *config, e *logs.Engine, tenantID, query, timespan string) (*result, error) {
	if strings.TrimSpace(query) == "" {
		return nil, &errQuery{msg: "The 'Query' parameter is required and must not be empty."}
	}
	now, err := e.World().Now(tenantID)
	if err != nil {
		return nil, err
	}
	start, end := now.Add(-Retention), now
	if timespan != "" {
		s, en, err := parseTimespan(timespan, now)
		if err != nil {
			return nil, &errQuery{msg: "Invalid Timespan: " + err.Error()}
		}
		start, end = maxTime(s, start), minTime(en, end)
	}
	began := time.Now()
	ctx, cancel := kql.WithTimeBudget(ctx, Timeout)
	defer cancel()
	ctx, release, err := c.gate.Admit(ctx, tenantID)
	if err != nil {
		return nil, errThrottled
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
	res, err := q.Run(ctx, logs.Restrict(db, start, end), kql.RunOptions{Now: now, Seed: now.UnixNano(), MaxMemory: QueryMemory,
		MaxResultRows: MaxRows, MaxResultBytes: MaxResultBytes})
	if err != nil {
		return nil, queryError(query, err)
	}
	if res.Partial != nil && res.Partial.Msg == sizeLimitMsg {
		return nil, &errQuery{msg: "Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again."}
	}
	return &result{res: res, elapsed: time.Since(began), rows: res.Len()}, nil
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
		line, pos, tok := loganalytics.SyntaxPlace(src, ke)
		return &errQuery{msg: fmt.Sprintf("Query could not be parsed at '%s' on line [%d,%d]", tok, line, pos)}
	}
	return &errQuery{msg: ke.Msg}
}

// schema returns the result's columns with .NET type names under the given key spelling.
func schema(res *kql.Result, nameKey, typeKey string) []map[string]string {
	out := []map[string]string{}
	for _, c := range res.Columns() {
		t := dotnetTypes[c.Type]
		if t == "" {
			t = c.Type
		}
		out = append(out, map[string]string{nameKey: c.Name, typeKey: t})
	}
	return out
}

// objects returns the rows as JSON objects whose keys follow the column order.
func objects(res *kql.Result) []json.RawMessage {
	cols := res.Columns()
	out := []json.RawMessage{}
	for _, row := range res.Rows(true) {
		var b bytes.Buffer
		b.WriteByte('{')
		for i, v := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(cols[i].Name)
			b.Write(k)
			b.WriteByte(':')
			val, err := json.Marshal(v)
			if err != nil {
				val = []byte("null")
			}
			b.Write(val)
		}
		b.WriteByte('}')
		out = append(out, b.Bytes())
	}
	return out
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

// sizeLimitMsg is the engine's message of a result over MaxResultBytes.
var sizeLimitMsg = govern.ResultSize(MaxResultBytes).Msg
