package grader

import (
	"context"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql/sched"
	"github.com/soclab/soclab/simulator/sentinel"
)

// PrejudgeEvery is how often RunBackground looks for rule queries nobody has judged yet.
const PrejudgeEvery = 2 * time.Second

// RunBackground prepares grades until ctx ends: it builds the judging data first (the
// canonical telemetry's index and the attack's variants, ~0.5 s of CPU once per process),
// then every PrejudgeEvery judges the lab rules' queries of every tenant that have no verdict
// yet (Prejudge), so a learner who saved a rule minutes before grading finds its verdict
// ready. Everything computes as background work of Options.CPU, one judging at a time; a
// grade never waits for it (it judges a query itself when the background judging of the
// same query is still under way). tenants lists the tenants to look at.
func (g *Grader) RunBackground(ctx context.Context, tenants func() ([]string, error)) {
	if err := g.warm(ctx); err != nil {
		return
	}
	t := time.NewTicker(PrejudgeEvery)
	defer t.Stop()
	for {
		ids, err := tenants()
		if err == nil {
			for _, id := range ids {
				if ctx.Err() != nil {
					return
				}
				g.Prejudge(ctx, id) // a tenant that cannot be read now is looked at next time
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// warm builds the judging data on a background slot.
func (g *Grader) warm(ctx context.Context) error {
	sl, err := newSlot(ctx, g.opts.CPU, sched.Background, g.backgroundPermits)
	if err != nil {
		return err
	}
	defer sl.done()
	_, err = g.judgeData()
	return err
}

// Prejudge judges, as background work, the queries of the tenant's lab rules that the
// ruleQuery checks ask about and that have no verdict yet; it returns how many it judged.
func (g *Grader) Prejudge(ctx context.Context, tenantID string) (int, error) {
	rules, err := g.labRules(tenantID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range g.checks.Checks {
		if c.RuleQuery == nil {
			continue
		}
		for _, r := range rules {
			if !strings.EqualFold(r.Name, c.RuleQuery.Rule) {
				continue
			}
			if known, err := g.known(tenantID, r, c.RuleQuery); err != nil || known {
				break
			}
			sl, err := newSlot(ctx, g.opts.CPU, sched.Background, g.backgroundPermits)
			if err != nil {
				return n, err
			}
			_, err = g.verdictOf(sl, tenantID, r, c.RuleQuery)
			sl.done()
			if err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// known reports whether the rule's query has a verdict for check c already (or the
// background gave up on it).
func (g *Grader) known(tenantID string, r sentinel.AlertRule, c *RuleQueryCheck) (bool, error) {
	query, err := g.canonicalText(tenantID, r.QueryText())
	if err != nil {
		return false, err
	}
	key := verdictKey{query: queryKey(query), runs: runsOf(r), mentions: strings.Join(c.Mentions, "\x00")}
	exact := key
	exact.query = query
	_, ok := g.verdicts.lookup(key, exact)
	return ok || g.verdicts.gaveUp(key), nil
}

// labRules are the analytics rules of the tenant's lab workspace (none without it).
func (g *Grader) labRules(tenantID string) ([]sentinel.AlertRule, error) {
	var rules []sentinel.AlertRule
	ref := g.checks.Workspace
	err := g.engine.World().View(tenantID, func(tx *simulator.TenantTx) error {
		wss, err := tx.Workspaces()
		if err != nil {
			return err
		}
		for _, w := range wss {
			if strings.EqualFold(w.Name, ref.Name) && strings.EqualFold(w.ResourceGroup, ref.ResourceGroup) {
				rules, err = sentinel.Rules(tx, w.ID)
				return err
			}
		}
		return nil
	})
	return rules, err
}
