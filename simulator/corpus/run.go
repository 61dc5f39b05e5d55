package corpus

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
)

// Case is one corpus query.
type Case struct {
	File  string `json:"file"`
	Query string `json:"query"`
}

// Source is a place queries run: a catalog to compile against and the database to run on.
type Source struct {
	Name     string // "workspace" or "hunting"
	Catalog  kql.Catalog
	Database kql.Database
	// At gives the database as it was at an earlier time (nil: only Database), for the
	// Options.Earlier clocks.
	At func(time.Time) (kql.Database, error)
}

// has reports whether the source has every named table.
func (s Source) has(names []string) bool {
	for _, n := range names {
		if _, ok := s.Catalog.Table(n); !ok {
			return false
		}
	}
	return true
}

// Status is a query's outcome.
type Status string

// Outcomes of a query.
const (
	Rows  Status = "rows"  // ran and returned rows
	Empty Status = "empty" // ran and returned none
	Error Status = "error" // did not compile or failed while running
)

// Outcome is what one query did.
type Outcome struct {
	File   string   `json:"file"`
	Tables []string `json:"tables"`
	Source string   `json:"source"`
	Status Status   `json:"status"`
	Rows   int      `json:"rows,omitempty"`
	// At is the clock the outcome was recorded at, when it is one of Options.Earlier.
	At *time.Time `json:"at,omitempty"`
	// Attack and Background count result rows that do / do not carry one of the attack's
	// markers (its addresses, the account it creates): a detection returning Attack rows is a
	// true positive, one returning Background rows a false positive.
	Attack     int    `json:"attack,omitempty"`
	Background int    `json:"background,omitempty"`
	Error      string `json:"error,omitempty"`
	// Kind classifies an error: "engine" (an operator, plugin or function the engine does not
	// have), "lab" (a table or column the lab's data does not have), "query" (any other
	// semantic error, which Kusto reports too) or "runtime".
	Kind string `json:"kind,omitempty"`

	errPos int // where a compile error is (how far the query got)
}

// Selected is a query whose tables the lab has, with the source it runs on.
type Selected struct {
	Case
	Tables []string
	Source Source
	// Alt is another source that has the tables too (advanced hunting shares some tables
	// with the workspace); a query that fails to compile on Source is tried there.
	Alt *Source
}

// Select keeps the cases whose required tables (and, for fuzzy unions, at least one leg's
// table when nothing else is read) one of the sources has; the first such source is the one
// a query runs on. Unparsable cases are left out (the parser's own corpus test covers them).
func Select(cases []Case, sources ...Source) []Selected {
	var out []Selected
	for _, c := range cases {
		refs, err := Tables(c.Query)
		if err != nil {
			continue
		}
		var fit []Source
		for _, s := range sources {
			if !s.has(refs.Required) {
				continue
			}
			legs := 0
			for _, o := range refs.Optional {
				if s.has([]string{o}) {
					legs++
				}
			}
			if len(refs.Required) == 0 && len(refs.Optional) > 0 && legs == 0 {
				continue
			}
			fit = append(fit, s)
		}
		if len(fit) == 0 {
			continue
		}
		sel := Selected{Case: c, Tables: append(append([]string{}, refs.Required...), refs.Optional...), Source: fit[0]}
		if len(fit) > 1 {
			sel.Alt = &fit[1]
		}
		out = append(out, sel)
	}
	return out
}

// Options bound each query's run.
type Options struct {
	Now       time.Time
	Timeout   time.Duration // per query (0: 60 s)
	MaxMemory int64         // per query (0: 512 MB, the query APIs' budget)
	Markers   []string      // texts that mark a result row as the attack's
	// Earlier are other clocks a query returning no attack rows at Now is run at (with the
	// database as it was then): scheduled rules look back an hour or a day, so a detection
	// of the attack fires at the hour after it, not at the end of the day.
	Earlier []time.Time
}

// Run runs every selected query and records its outcome.
func Run(ctx context.Context, sel []Selected, opts Options) []Outcome {
	if opts.Timeout == 0 {
		opts.Timeout = time.Minute
	}
	if opts.MaxMemory == 0 {
		opts.MaxMemory = 512 << 20
	}
	out := make([]Outcome, 0, len(sel))
	for _, s := range sel {
		o := runOne(ctx, s.Case, s.Source, opts)
		if o.Status == Error && s.Alt != nil {
			// The query is for the other place if it runs there, or gets further there
			// before its first error.
			if alt := runOne(ctx, s.Case, *s.Alt, opts); alt.Status != Error || alt.errPos > o.errPos {
				o = alt
			}
		}
		if o.Status != Error && o.Attack == 0 {
			o = atEarlierClocks(ctx, s, o, opts)
		}
		o.Tables = s.Tables
		out = append(out, o)
	}
	return out
}

// atEarlierClocks reruns a query at the earlier clocks and keeps the first outcome with attack
// rows (else o).
func atEarlierClocks(ctx context.Context, s Selected, o Outcome, opts Options) Outcome {
	src := s.Source
	if o.Source != src.Name && s.Alt != nil {
		src = *s.Alt
	}
	if src.At == nil {
		return o
	}
	for _, t := range opts.Earlier {
		db, err := src.At(t)
		if err != nil {
			continue
		}
		at := opts
		at.Now = t
		if e := runOne(ctx, s.Case, Source{Name: src.Name, Catalog: src.Catalog, Database: db}, at); e.Attack > 0 {
			e.At = &t
			return e
		}
	}
	return o
}

func runOne(ctx context.Context, c Case, src Source, opts Options) Outcome {
	o := Outcome{File: c.File, Source: src.Name}
	q, err := kql.Compile(c.Query, src.Catalog, kql.CompileOptions{})
	if err != nil {
		o.Status, o.Error, o.Kind = Error, errorText(err), errorKind(err)
		var ke *kql.Error
		if errors.As(err, &ke) {
			o.errPos = int(ke.Pos)
		}
		return o
	}
	res, err := q.Run(ctx, src.Database, kql.RunOptions{Now: opts.Now, Timeout: opts.Timeout, MaxMemory: opts.MaxMemory})
	if err != nil {
		// A semantic error while running is an operator analyzed on the data's columns
		// (after bag_unpack or pivot): classified as a compile error is.
		o.Status, o.Error, o.Kind = Error, errorText(err), "runtime"
		if ke := (*kql.Error)(nil); errors.As(err, &ke) && strings.HasPrefix(ke.Code, "SEM") {
			o.Kind = errorKind(err)
		}
		o.errPos = len(c.Query) + 1 // it compiled: further than any compile error
		return o
	}
	rows := res.Rows(true)
	o.Rows = len(rows)
	o.Status = Empty
	if o.Rows > 0 {
		o.Status = Rows
	}
	for _, r := range rows {
		if rowHasMarker(r, opts.Markers) {
			o.Attack++
		} else {
			o.Background++
		}
	}
	return o
}

func rowHasMarker(r []any, markers []string) bool {
	for _, v := range r {
		s := fmt.Sprint(v)
		for _, m := range markers {
			if strings.Contains(s, m) {
				return true
			}
		}
	}
	return false
}

// errorText is an error's first line without its offset (stable across query edits).
func errorText(err error) string {
	var ke *kql.Error
	if errors.As(err, &ke) {
		return ke.Kind() + ": " + ke.Code + ": " + ke.Msg
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// errorKind classifies a compile error (see Outcome.Kind).
func errorKind(err error) string {
	var ke *kql.Error
	if !errors.As(err, &ke) {
		return "runtime"
	}
	switch {
	case strings.Contains(ke.Msg, "not supported"), strings.Contains(ke.Msg, "Unknown plugin"),
		strings.Contains(ke.Msg, "Unknown function"), strings.HasPrefix(ke.Msg, "internal error"):
		return "engine"
	case ke.Code == "SEM0100" && strings.Contains(ke.Msg, "Failed to resolve"):
		return "lab"
	}
	return "query"
}
