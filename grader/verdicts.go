package grader

import "sync"

// maxCachedVerdicts bounds the rule-query verdicts a grader keeps (a few per learner).
const maxCachedVerdicts = 4096

// verdictKey is what a rule query's verdict depends on: the query (in the canonical ids, so
// tenants share verdicts), how it runs and what it must name.
type verdictKey struct {
	query    string
	runs     ruleRuns
	mentions string
}

// verdictCache keeps verdicts up to a bound; when full it starts over (verdicts are cheap to
// recompute once, and a class's learners stay far below the bound).
type verdictCache struct {
	mu  sync.Mutex
	max int
	m   map[verdictKey]queryVerdict
}

func newVerdictCache(max int) *verdictCache {
	return &verdictCache{max: max, m: map[verdictKey]queryVerdict{}}
}

func (c *verdictCache) get(k verdictKey) (queryVerdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *verdictCache) put(k verdictKey, v queryVerdict) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		c.m = map[verdictKey]queryVerdict{}
	}
	c.m[k] = v
}
