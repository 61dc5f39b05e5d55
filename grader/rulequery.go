package grader

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/sentinel"
)

// NRTLookback is the data window the grader gives an NRT rule's query at each run. Sentinel
// feeds NRT rules the rows ingested since the previous run; over telemetry without ingestion
// delays the query's own time filters (ago(15m) in the lab's rule 2) are what bound it, so the
// grader gives it the last hour and lets the query cut.
const NRTLookback = time.Hour

// judgeTimeout bounds the time spent judging one rule's query.
const judgeTimeout = time.Minute

// firmJudging is how long a grade's judging computes on its slot without the checkpoints
// that pause it for waiting queries and demote it (to batch after half a second, as a heavy
// query): a new query's judging takes ~0.2-0.7 CPU-s, and every grade of the class with that
// query waits for it (one flight), so demoted behind 30 learners' queries it took 6-9 s
// (classload -think 0). The judging permits leave a slot to the queries meanwhile.
const firmJudging = 2 * time.Second

// maxBenignRuns bounds the background runs of one rule query (the grid is widened to fit).
const maxBenignRuns = 1500

// queryVerdict is what a rule query did over the scenario's telemetry.
type queryVerdict struct {
	ok     bool
	detail string
	// textual marks a verdict whose detail quotes an error of the text (positions), which a
	// query written with other whitespace would not share.
	textual bool
	// timedOut marks a verdict given because judging took longer than judgeTimeout: wall
	// time, so a background judging starved of the processor is not the query's fault.
	timedOut bool
}

// ruleRuns says when a rule query runs and over what window.
type ruleRuns struct {
	window, every time.Duration
}

func runsOf(r sentinel.AlertRule) ruleRuns {
	if r.Kind == sentinel.KindNRT {
		return ruleRuns{window: NRTLookback, every: time.Minute}
	}
	return ruleRuns{window: r.Period(), every: r.Frequency()}
}

// judgeRuleQuery runs a rule's query as Sentinel would, at every run from the attack's start to
// one window after its end over all the telemetry (some result must mention the attacker), and
// over the background rows alone on a grid spanning the whole history (it must return nothing).
//
// firm, when not nil, is the caller's context without the CPU slot's checkpoints: the runs of
// the first firmJudging use it, so the judging computes on its slot without pausing or being
// demoted (see firmJudging), and the slot's checkpoints after that.
func judgeRuleQuery(ctx, firm context.Context, jd *judgeData, cat kql.Catalog, s *scenario.Scenario,
	rule sentinel.AlertRule, query string, c *RuleQueryCheck) queryVerdict {
	all, background := jd.all, jd.background
	q, err := kql.Compile(query, cat, kql.CompileOptions{})
	if err != nil {
		return queryVerdict{detail: "the rule's query does not compile: " + firstLine(err.Error()), textual: true}
	}
	runs := runsOf(rule)
	if runs.window <= 0 || runs.every <= 0 {
		return queryVerdict{detail: "the rule has no valid queryFrequency/queryPeriod"}
	}
	firmUntil := time.Now().Add(firmJudging)
	run := func(x *timeIndex, at time.Time) (*kql.Table, error) {
		// Rewrap: the grade's CPU slot keeps its checkpoints, so interactive queries go first.
		rctx := sched.Rewrap(ctx)
		if firm != nil && time.Now().Before(firmUntil) {
			rctx = firm
		}
		res, err := q.Run(rctx, x.window(at.Add(-runs.window), at), kql.RunOptions{Now: at, Seed: 1, Timeout: 10 * time.Second, MaxMemory: ruleQueryMemory})
		if err != nil {
			return nil, err
		}
		return res.Table, nil
	}

	ctx, cancel := context.WithTimeout(ctx, judgeTimeout)
	defer cancel()
	lo, hi := dataSpan(background.db)

	// Around the attack: some run must name the attacker.
	start := s.Attack.Start.Truncate(runs.every).Add(runs.every)
	end := s.Attack.End.Add(runs.window)
	if last := hi.Add(runs.every); end.After(last) {
		end = last // no telemetry beyond the scenario's last day
	}
	found := time.Time{}
	for at := start; !at.After(end); at = at.Add(runs.every) {
		t, err := run(all, at)
		if err != nil {
			return failedRun(ctx, at, err)
		}
		if t.N > 0 && mentionsAny(t, c.Mentions) >= 0 {
			found = at
			break
		}
	}
	if found.IsZero() {
		return queryVerdict{detail: fmt.Sprintf("run every %s over the last %s from %s to %s, it never returns a row naming %s",
			human(runs.every), human(runs.window), stamp(start), stamp(end), strings.Join(c.Mentions, " or "))}
	}

	// The same attack by someone else, elsewhere, at another time: some run must name them.
	for _, v := range jd.variants {
		if v := judgeVariant(v, runs, run); !v.ok {
			return v
		}
	}

	// Over the background alone, anywhere in the history: nothing.
	every := runs.window / 2
	if every < runs.every {
		every = runs.every
	}
	if n := hi.Sub(lo) / every; n > maxBenignRuns {
		every = hi.Sub(lo) / maxBenignRuns
	}
	for at := lo.Truncate(every).Add(every); !at.After(hi.Add(every)); at = at.Add(every) {
		t, err := run(background, at)
		if err != nil {
			return failedRun(ctx, at, err)
		}
		if t.N > 0 {
			return queryVerdict{detail: fmt.Sprintf("it also matches benign activity: run at %s without the attack it returns %d row(s), e.g. %s",
				stamp(at), t.N, describeRow(t, 0))}
		}
	}
	return queryVerdict{ok: true, detail: fmt.Sprintf("names the attacker at %s, catches the %d variants of the attack and matches none of the background",
		stamp(found), len(jd.variants))}
}

// judgeVariant runs the query at every run from the variant's start to one window after its
// end over the variant's dataset: some result must name the variant's victim or address.
func judgeVariant(v *variantData, runs ruleRuns, run func(*timeIndex, time.Time) (*kql.Table, error)) queryVerdict {
	start := v.start.Truncate(runs.every).Add(runs.every)
	end := v.end.Add(runs.window)
	if last := v.end.Add(variantSpan); end.After(last) {
		end = last
	}
	for at := start; !at.After(end); at = at.Add(runs.every) {
		t, err := run(v.x, at)
		if err != nil {
			return queryVerdict{detail: fmt.Sprintf("the query fails over %s (a variant of the attack), run at %s: %s", v.label, stamp(at), firstLine(err.Error())), textual: true}
		}
		if t.N > 0 && mentionsAny(t, v.mentions()) >= 0 {
			return queryVerdict{ok: true}
		}
	}
	return queryVerdict{detail: fmt.Sprintf("it does not generalise: %s of %d, the same attack played by another user from another "+
		"address range on another day (variants are never shown), is not caught: no run returns a row naming its user or "+
		"addresses. A rule that knows only the lab's user or addresses (alex.johnson, 185.220.101.x) misses the next attacker: "+
		"match the behaviour (risk, result, operations, counts per caller), not the names", v.label, len(variantSpecs))}
}

// failedRun is the verdict on a run that failed or ran out of the judge's time.
func failedRun(ctx context.Context, at time.Time, err error) queryVerdict {
	if ctx.Err() != nil {
		return queryVerdict{detail: fmt.Sprintf("judging the query took longer than %s (it was at the run of %s): make it cheaper", judgeTimeout, stamp(at)), timedOut: true}
	}
	return queryVerdict{detail: fmt.Sprintf("the query fails when run at %s: %s", stamp(at), firstLine(err.Error())), textual: true}
}

// dataSpan is the earliest and latest TimeGenerated over every table.
func dataSpan(db kql.MapDatabase) (lo, hi time.Time) {
	for _, t := range db {
		c := t.ColumnIndex("TimeGenerated")
		if c < 0 || t.N == 0 || t.Cols[c].Type != types.DateTime {
			continue
		}
		for _, i := range []int{0, t.N - 1} {
			v := t.Vecs[c].Get(i)
			if v.IsNull() {
				continue
			}
			at := v.Time()
			if lo.IsZero() || at.Before(lo) {
				lo = at
			}
			if at.After(hi) {
				hi = at
			}
		}
	}
	return lo, hi
}

// mentionsAny returns the first row with a cell containing one of words (case-insensitive),
// or -1.
func mentionsAny(t *kql.Table, words []string) int {
	for i := 0; i < t.N; i++ {
		for _, v := range t.Row(i) {
			cell := strings.ToLower(types.FormatText(v))
			for _, w := range words {
				if strings.Contains(cell, strings.ToLower(w)) {
					return i
				}
			}
		}
	}
	return -1
}

// describeRow prints a result row as Column=value pairs, shortened.
func describeRow(t *kql.Table, i int) string {
	var b strings.Builder
	for c, v := range t.Row(i) {
		if c > 0 {
			b.WriteString(", ")
		}
		s := types.FormatText(v)
		if len(s) > 60 {
			s = s[:57] + "..."
		}
		fmt.Fprintf(&b, "%s=%s", t.Cols[c].Name, s)
		if b.Len() > 240 {
			b.WriteString(", ...")
			break
		}
	}
	return b.String()
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }

func human(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// ruleQueryMemory bounds one run of a learner's rule query while grading (the rule engine's
// budget): a hostile rule fails its check instead of taking the server's memory.
const ruleQueryMemory = 512 << 20
