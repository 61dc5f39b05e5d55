package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/soclab/soclab/internal/cputime"
	"github.com/soclab/soclab/simulator/kql"
)

// timing is one query's best wall time and best CPU time (user+system of the whole process,
// so the garbage collector's threads count) over the timed runs, and the run's peak
// budgeted memory (kql.Result.PeakMemory: what the run held at once as its budget counted).
type timing struct {
	Query  string  `json:"query"`
	WallMS float64 `json:"wall_ms"`
	CPUMS  float64 `json:"cpu_ms"`
	PeakMB float64 `json:"peak_mem_mb"`
	Runs   int     `json:"runs"`
}

// timeQueries runs each benchmark query once to warm up, then runs times, and writes one
// JSON line per query. CPU time stays meaningful when other processes load the machine,
// where wall time does not.
func timeQueries(runsArg, path string) error {
	runs, err := strconv.Atoi(runsArg)
	if err != nil || runs < 1 {
		return fmt.Errorf("runs must be a positive number, got %q", runsArg)
	}
	var tables []*kql.Table
	for _, g := range generators {
		tables = append(tables, g.gen())
	}
	db := kql.NewDatabase(tables...)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer f.Close()
	for _, bq := range benchQueries {
		q, err := kql.Compile(bq.Source, db.Catalog(), kql.CompileOptions{})
		if err != nil {
			return fmt.Errorf("compile %s: %w", bq.Name, err)
		}
		best := timing{Query: bq.Name, Runs: runs}
		for i := 0; i <= runs; i++ {
			wall0, cpu0 := time.Now(), cpuTime()
			res, err := q.Run(context.Background(), db, kql.RunOptions{Now: benchNow})
			if err != nil {
				return fmt.Errorf("run %s: %w", bq.Name, err)
			}
			wall, cpu := ms(time.Since(wall0)), ms(cpuTime()-cpu0)
			best.PeakMB = max(best.PeakMB, float64(res.PeakMemory)/1e6)
			if i == 0 {
				continue // warm-up
			}
			if best.WallMS == 0 || wall < best.WallMS {
				best.WallMS = wall
			}
			if best.CPUMS == 0 || cpu < best.CPUMS {
				best.CPUMS = cpu
			}
		}
		if err := writeLine(f, best); err != nil {
			return err
		}
	}
	return f.Close()
}

func cpuTime() time.Duration { return cputime.Process() }

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
