package hunting

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"

	"github.com/soclab/soclab/simulator/hunting"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/logs"
)

// The service's limits (simulator/hunting runs every face's query within them).
const (
	// Retention is how far back advanced hunting sees.
	Retention = hunting.Retention
	// MaxRows is the service's result limit (larger results are cut to it).
	MaxRows = hunting.MaxRows
	// MaxResultBytes is the service's result size limit (124 MB): a larger result is refused.
	MaxResultBytes = hunting.MaxResultBytes
	// Timeout is the service's per-query limit (compile and run).
	Timeout = hunting.Timeout
	// QueryMemory is the memory budget of one query (see loganalytics.QueryMemory).
	QueryMemory = hunting.QueryMemory
)

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
var errThrottled = hunting.ErrThrottled

// dotnetTypes maps Kusto types to the .NET type names the hunting APIs report.
var dotnetTypes = map[string]string{
	"string": "String", "datetime": "DateTime", "long": "Int64", "int": "Int32", "real": "Double", "bool": "Boolean",
	"dynamic": "Object", "guid": "Guid", "timespan": "TimeSpan", "decimal": "Decimal",
}

// result is a finished hunting query.
type result struct {
	res *kql.Result
	*hunting.Result
}

// errQuery is a query the engine refused, with the message the services show.
type errQuery struct{ msg string }

func (e *errQuery) Error() string { return e.msg }

// run runs a hunting query for a tenant at its clock through simulator/hunting (the portal's
// page runs the same) and words its refusals as the routes expect.
func run(ctx context.Context, c *config, e *logs.Engine, tenantID, query, timespan string) (*result, error) {
	res, err := hunting.Run(ctx, c.gate, e, tenantID, query, timespan)
	var qe *hunting.QueryError
	if errors.As(err, &qe) {
		return nil, &errQuery{msg: qe.Msg}
	}
	if err != nil {
		return nil, err
	}
	return &result{res: res.Result, Result: res}, nil
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
