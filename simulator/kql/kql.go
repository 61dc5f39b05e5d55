package kql

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"time"

	"github.com/soclab/soclab/simulator/kql/analyze"
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/parser"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Column is a table column: its exact name and Kusto type.
type Column = exec.Column

// Table is an immutable columnar table (see package exec).
type Table = exec.Table

// Builder appends rows to a new table; Table() finishes it.
type Builder = exec.Builder

// Type is a Kusto scalar type.
type Type = types.Type

// Error is a query error with a code, a byte position and Kusto's message; Format(src)
// renders it with line, column and a caret.
type Error = diag.Error

// NewTable builds a table from rows of Go values: time.Time (datetime), time.Duration
// (timespan), string, int/int64 (long or int), float64 (real), bool, nil (null),
// map[string]any/[]any (dynamic). A string given for a typed column is parsed.
func NewTable(name string, cols []Column, rows [][]any) (*Table, error) {
	return exec.NewTable(name, cols, rows)
}

// NewBuilder starts an appendable table (for generators that emit rows one by one).
func NewBuilder(name string, cols []Column) *Builder { return exec.NewBuilder(name, cols) }

// ParseType returns the type named by a Kusto type name ("string", "datetime", "long"...).
func ParseType(name string) (Type, bool) { return types.ParseType(name) }

// Catalog gives table schemas by name (exact, case-sensitive) for compilation.
type Catalog interface {
	Table(name string) ([]Column, bool)
	Names() []string
}

// Database gives the tables a query reads, by exact name.
type Database interface {
	Table(name string) (*Table, bool)
	Names() []string
}

// ContextDatabase is a Database that builds tables on demand: Run gives it the run's context
// first, so building a table stops with the run and checks its context as the executor does
// (a processor slot's checkpoints, simulator/kql/sched).
type ContextDatabase interface {
	Database
	WithContext(ctx context.Context) Database
}

// CompileOptions tune compilation.
type CompileOptions struct {
	// ParseOnly checks syntax only: unknown tables, columns and functions are not errors, and
	// the returned Query cannot be run.
	ParseOnly bool
}

// Query is a compiled query: immutable, safe to Run many times and concurrently.
type Query struct {
	src    string
	script *ast.Script
	plan   *analyze.Plan
}

// Compile parses and analyzes src against cat. Errors are *Error (syntax or semantic).
func Compile(src string, cat Catalog, opts CompileOptions) (q *Query, err error) {
	return CompileContext(context.Background(), src, cat, opts)
}

// CompileContext is Compile within a context: a cancelled context or one past its deadline
// stops the analysis (between operators) with the cancellation or timeout limit error, so
// a query's time budget covers its compilation too.
func CompileContext(ctx context.Context, src string, cat Catalog, opts CompileOptions) (q *Query, err error) {
	defer func() {
		if r := recover(); r != nil {
			q, err = nil, diag.Errorf(diag.CodeRuntimeError, diag.NoPos, diag.NoPos, "internal error while compiling the query: %v", r)
		}
	}()
	if err := govern.ContextError(ctx); err != nil {
		return nil, err
	}
	script, err := parser.Parse(src)
	if err != nil {
		return nil, err
	}
	if err := govern.ContextError(ctx); err != nil {
		return nil, err
	}
	q = &Query{src: src, script: script}
	if opts.ParseOnly {
		return q, nil
	}
	if cat == nil {
		cat = MapCatalog{}
	}
	plan, err := analyze.AnalyzeContext(ctx, script, cat)
	if err != nil {
		return nil, err
	}
	q.plan = plan
	return q, nil
}

// Source returns the query text.
func (q *Query) Source() string { return q.src }

// Columns is the result schema known at compile time (operators such as bag_unpack decide
// theirs at run time).
func (q *Query) Columns() []Column {
	if q == nil || q.plan == nil {
		return nil
	}
	return q.plan.Cols
}

// Tables lists the database tables the query reads.
func (q *Query) Tables() []string {
	if q.plan == nil {
		return nil
	}
	return q.plan.Tables
}

// RunOptions are per-run settings.
type RunOptions struct {
	// Now is the clock now() and ago() read (zero: the real clock).
	Now time.Time
	// Seed makes new_guid() and rand() deterministic.
	Seed int64
	// MaxRows bounds every intermediate result (0: DefaultMaxRows); Kusto's own limit error
	// is returned when exceeded.
	MaxRows int
	// Timeout bounds the run's duration (0: only ctx's deadline).
	Timeout time.Duration
	// MaxMemory is the run's memory budget: strings, dynamic values, new columns, join and
	// summarize state are charged as they are built (0: DefaultMaxMemory; negative: no
	// bound). A run that would pass it stops with Kusto's E_LOW_MEMORY_CONDITION or
	// E_RUNAWAY_QUERY error (see IsLimitError).
	MaxMemory int64
	// MaxResultRows and MaxResultBytes truncate the result as Kusto's result truncation does
	// (0: no truncation): the first rows that fit are kept and Result.Partial says why.
	MaxResultRows  int
	MaxResultBytes int64
	// External reads what an externaldata URI points to (nil: the database's ReadExternal
	// when it is an ExternalReader, else nothing is reachable and externaldata fails with
	// Kusto's "remote name could not be resolved").
	External func(ctx context.Context, uri string) ([]byte, error)
	// Workers is how many goroutines a filter over a large table splits its rows across, and
	// a summarize its groups (0: GOMAXPROCS; 1: sequential); the result does not depend on it.
	Workers int
	// ParallelMinRows is the table size from which work is split (0: 65 536); tests set 1 to
	// split every table.
	ParallelMinRows int
}

// ExternalReader is a Database that serves externaldata URIs (the lab's storage blobs).
type ExternalReader interface {
	ReadExternal(ctx context.Context, uri string) ([]byte, error)
}

// ErrUnreachable is what an External reader returns for a URI nothing in the lab serves.
var ErrUnreachable = exec.ErrUnreachable

// DefaultMaxMemory is the intermediate-result memory bound when RunOptions.MaxMemory is 0.
const DefaultMaxMemory = 4 << 30

// DefaultMaxRows is the intermediate row limit when RunOptions.MaxRows is 0.
const DefaultMaxRows = 50_000_000

// Run executes the query over db. A panic inside the engine is returned as an error; the
// context cancels a long run.
func (q *Query) Run(ctx context.Context, db Database, opts RunOptions) (res *Result, err error) {
	if q.plan == nil {
		return nil, fmt.Errorf("kql: query was compiled with ParseOnly and cannot run")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if cd, ok := db.(ContextDatabase); ok {
		db = cd.WithContext(ctx)
	}
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	maxRows := opts.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultMaxRows
	}
	if db == nil {
		db = MapDatabase{}
	}
	env := exec.NewEnv(ctx, db.Table, db.Names, types.TimeToTicks(now.UTC()), opts.Seed, maxRows)
	env.External = opts.External
	if er, ok := db.(ExternalReader); ok && env.External == nil {
		env.External = er.ReadExternal
	}
	env.Workers, env.ParallelMinRows = opts.Workers, opts.ParallelMinRows
	if env.Workers == 0 {
		env.Workers = runtime.GOMAXPROCS(0)
	}
	env.TimeBudget = opts.Timeout
	if env.TimeBudget == 0 {
		env.TimeBudget = govern.TimeBudgetOf(ctx)
	}
	switch {
	case opts.MaxMemory == 0:
		env.SetMemoryLimit(DefaultMaxMemory)
	case opts.MaxMemory > 0:
		env.SetMemoryLimit(opts.MaxMemory)
	}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				if de, ok := e.(*diag.Error); ok {
					res, err = nil, de
					return
				}
			}
			res, err = nil, diag.Errorf(diag.CodeRuntimeError, diag.NoPos, diag.NoPos, "internal error while running the query: %v\n%s", r, debug.Stack())
		}
	}()
	if m, ok := q.plan.Root.(*exec.Multi); ok {
		// fork / facet: the first table is the primary result, the others follow it.
		ts, err := m.RunAll(env)
		if err != nil {
			return nil, err
		}
		for i := range ts {
			ts[i] = exec.WithoutHidden(ts[i], exec.HiddenColumns(m.Branches[i].Columns(), ts[i].Cols))
		}
		return truncate(&Result{Table: ts[0], More: ts[1:], PeakMemory: env.Mem.Peak()}, opts), nil
	}
	t, err := q.plan.Root.Run(env)
	if err != nil {
		return nil, err
	}
	// Hidden columns (Log Analytics' _ItemId, _TimeReceived...) flow through the operators but
	// are not part of the result unless the query named them.
	t = exec.WithoutHidden(t, exec.HiddenColumns(q.plan.Root.Columns(), t.Cols))
	return truncate(&Result{Table: t, PeakMemory: env.Mem.Peak()}, opts), nil
}

// MapCatalog is a Catalog backed by a map of schemas.
type MapCatalog map[string][]Column

// Table returns the named schema.
func (m MapCatalog) Table(name string) ([]Column, bool) {
	c, ok := m[name]
	return c, ok
}

// Names lists the tables in sorted order.
func (m MapCatalog) Names() []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// MapDatabase is a Database backed by a map of tables.
type MapDatabase map[string]*Table

// NewDatabase returns a database holding the given tables under their names.
func NewDatabase(tables ...*Table) MapDatabase {
	m := MapDatabase{}
	for _, t := range tables {
		m[t.Name] = t
	}
	return m
}

// Table returns the named table.
func (m MapDatabase) Table(name string) (*Table, bool) {
	t, ok := m[name]
	return t, ok
}

// Names lists the tables in sorted order.
func (m MapDatabase) Names() []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Catalog returns the schemas of the database's tables.
func (m MapDatabase) Catalog() MapCatalog {
	c := MapCatalog{}
	for n, t := range m {
		c[n] = t.Cols
	}
	return c
}
