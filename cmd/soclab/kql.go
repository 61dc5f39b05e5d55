package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
)

// kqlOptions are the flags of `soclab kql`.
type kqlOptions struct {
	QueryFile string
	Query     string
	DataDir   string
	Output    string
	ParseOnly bool
	Stats     bool
	Repeat    int
	Now       string
	// Schema is the columns --data files are loaded with: workspace, hunting, or "" (per
	// table, from the file).
	Schema string
	// Source is where a query runs without --data: workspace or hunting (State, Tenant and
	// Workspace pick the lab, the tenant and the workspace).
	Source                   string
	State, Tenant, Workspace string
}

// Exit statuses of `soclab kql`.
const (
	exitOK         = 0
	exitQueryError = 1
	exitUsage      = 2
)

func kqlCommand() *cli.Command {
	return &cli.Command{
		Name:  "kql",
		Usage: "run a KQL query on the lab's workspace or advanced hunting, or over table files, with soclab's Kusto engine",
		UsageText: "soclab kql (--query-file FILE | --query TEXT) [--source workspace|hunting [--tenant T] [--workspace W] |\n" +
			"           --data DIR [--schema workspace|hunting] [--now TIME]] [--output json|table|csv] [--parse-only] [--stats] [--repeat N]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "query-file", Usage: "read the query from `FILE`"},
			&cli.StringFlag{Name: "query", Usage: "the query `TEXT`"},
			&cli.StringFlag{Name: "data", Usage: "load one table per file of `DIR` (<Table>.json, .jsonl or .csv)"},
			&cli.StringFlag{Name: "schema", Usage: "with --data: load the lab's tables with the `PLACE`'s columns: workspace or hunting (default: per table, from the file's time column)"},
			&cli.StringFlag{Name: "source", Value: "workspace", Usage: "without --data: run on the tenant's `PLACE`: workspace (Log Analytics) or hunting (Defender advanced hunting)"},
			&cli.StringFlag{Name: "output", Value: "json", Usage: "result format: json, table or csv"},
			&cli.BoolFlag{Name: "parse-only", Usage: "check syntax only"},
			&cli.BoolFlag{Name: "stats", Usage: "print timings, row counts and the run's peak budgeted memory (peak_mem_mb) as one JSON line on stderr"},
			&cli.IntFlag{Name: "repeat", Value: 1, Usage: "run the compiled query `N` times; --stats reports the fastest"},
			&cli.StringFlag{Name: "now", Usage: "the clock now() and ago() read (ISO-8601 `TIME`; default: the real clock)"},
			stateFlag(), &cli.StringFlag{Name: "tenant", Usage: tenantFlagUsage, EnvVars: []string{"SOCLAB_TENANT"}},
			&cli.StringFlag{Name: "workspace", Usage: "without --data: the workspace `NAME` or id (default law-contoso-unified)"},
		},
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			fmt.Fprintln(c.App.ErrWriter, "soclab kql:", err)
			return cli.Exit("", exitUsage)
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				fmt.Fprintf(c.App.ErrWriter, "soclab kql: unexpected argument %q\n", c.Args().First())
				return cli.Exit("", exitUsage)
			}
			opts := kqlOptions{
				QueryFile: c.String("query-file"), Query: c.String("query"), DataDir: c.String("data"),
				Output: c.String("output"), ParseOnly: c.Bool("parse-only"), Stats: c.Bool("stats"),
				Repeat: c.Int("repeat"), Now: c.String("now"), Tenant: c.String("tenant"), Workspace: c.String("workspace"),
				Schema: c.String("schema"), Source: c.String("source"),
			}
			opts.State, _ = resolveState(c)
			if !c.IsSet("query") {
				opts.Query = ""
			}
			if code := runKQL(c.Context, opts, c.IsSet("query"), c.App.Writer, c.App.ErrWriter); code != exitOK {
				return cli.Exit("", code)
			}
			return nil
		},
	}
}

// runKQL runs one query and returns the exit status; results go to stdout, errors to stderr.
func runKQL(ctx context.Context, opts kqlOptions, querySet bool, stdout, stderr io.Writer) int {
	usage := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "soclab kql: "+format+"\n", args...)
		return exitUsage
	}
	if (opts.QueryFile == "") == !querySet {
		return usage("give exactly one of --query-file FILE or --query TEXT")
	}
	switch opts.Output {
	case "json", "table", "csv":
	default:
		return usage("--output must be json, table or csv, not %q", opts.Output)
	}
	if opts.Repeat < 1 {
		return usage("--repeat must be at least 1")
	}
	now := time.Now().UTC()
	if opts.Now != "" {
		ticks, ok := types.ParseDateTime(opts.Now)
		if !ok {
			return usage("--now: cannot read %q as a date and time (use ISO-8601, e.g. 2025-01-15T09:00:00Z)", opts.Now)
		}
		now = types.TicksToTime(ticks)
	}
	src := opts.Query
	if opts.QueryFile != "" {
		b, err := os.ReadFile(opts.QueryFile)
		if err != nil {
			return usage("read query file: %v", err)
		}
		src = string(b)
	}
	if opts.ParseOnly {
		if _, err := kql.Compile(src, nil, kql.CompileOptions{ParseOnly: true}); err != nil {
			printQueryError(stderr, src, err)
			return exitQueryError
		}
		return exitOK
	}

	switch {
	case opts.DataDir != "" && opts.Source != "" && opts.Source != "workspace":
		return usage("--source runs on the lab; --data runs over files: give one of them (--schema picks the columns of --data)")
	case opts.DataDir == "" && opts.Schema != "":
		return usage("--schema applies to --data files")
	case opts.Source != "" && opts.Source != "workspace" && opts.Source != "hunting":
		return usage("--source must be workspace or hunting, not %q", opts.Source)
	}
	if opts.DataDir == "" && readsTables(src) {
		if opts.Now != "" {
			return usage("--now applies to --data and to queries that read no table: the lab runs queries at the tenant's clock")
		}
		return runLabKQL(opts, src, stdout, stderr)
	}
	start := time.Now()
	db := kql.MapDatabase{}
	if opts.DataDir != "" {
		var err error
		if db, err = loadData(opts.DataDir, opts.Schema); err != nil {
			fmt.Fprintln(stderr, "soclab kql:", err)
			return exitQueryError
		}
	}
	loadMS := msSince(start)

	start = time.Now()
	q, err := kql.Compile(src, db.Catalog(), kql.CompileOptions{})
	if err != nil {
		printQueryError(stderr, src, err)
		return exitQueryError
	}
	compileMS := msSince(start)

	var res *kql.Result
	best := -1.0
	var peak int64
	for i := 0; i < opts.Repeat; i++ {
		start = time.Now()
		res, err = q.Run(ctx, db, kql.RunOptions{Now: now, External: readLabBlob})
		if err != nil {
			printQueryError(stderr, src, err)
			return exitQueryError
		}
		if ms := msSince(start); best < 0 || ms < best {
			best = ms
		}
		peak = max(peak, res.PeakMemory)
	}
	switch opts.Output {
	case "json":
		err = res.WriteJSON(stdout)
	case "table":
		err = res.WriteText(stdout)
	case "csv":
		err = res.WriteCSV(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "soclab kql: write result:", err)
		return exitQueryError
	}
	if opts.Stats {
		rowsIn := 0
		for _, name := range q.Tables() {
			if t, ok := db.Table(name); ok {
				rowsIn += t.N
			}
		}
		line, _ := json.Marshal(map[string]any{"load_ms": loadMS, "compile_ms": compileMS, "exec_ms": best,
			"rows_in": rowsIn, "rows_out": res.Len(), "peak_mem_mb": float64(peak) / (1 << 20)})
		fmt.Fprintln(stderr, string(line))
	}
	return exitOK
}

// printQueryError writes a query error Kusto-style with line, column and a caret.
func printQueryError(w io.Writer, src string, err error) {
	var de *kql.Error
	if errors.As(err, &de) {
		fmt.Fprintln(w, strings.TrimRight(de.Format(src), "\n"))
		return
	}
	fmt.Fprintln(w, err)
}

func msSince(t time.Time) float64 {
	return float64(time.Since(t).Microseconds()) / 1000
}
