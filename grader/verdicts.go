package grader

import (
	"strings"
	"sync"
)

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

// queryKey is a query's text as the verdict cache keys it: line ends as \n, runs of spaces and
// tabs outside string literals and comments as one space, no trailing spaces or blank lines.
// Kusto separates tokens by any whitespace, so two texts with the same key run the same (a
// learner's query typed on Windows, or indented otherwise, shares the class's verdict).
// Newlines stay: a // comment ends at one. Literals and comments are copied as they are.
func queryKey(text string) string {
	var b strings.Builder
	atLineStart := true
	space := false
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\r':
			continue
		case c == ' ' || c == '\t':
			space = true
			continue
		case c == '\n':
			space = false
			if !atLineStart {
				b.WriteByte('\n')
				atLineStart = true
			}
			continue
		}
		if space && !atLineStart {
			b.WriteByte(' ')
		}
		space, atLineStart = false, false
		switch {
		case c == '/' && i+1 < len(text) && text[i+1] == '/':
			end := strings.IndexByte(text[i:], '\n')
			if end < 0 {
				end = len(text) - i
			}
			b.WriteString(strings.TrimRight(text[i:i+end], " \t\r"))
			i += end - 1
		case c == '"' || c == '\'':
			verbatim := i > 0 && text[i-1] == '@'
			j := i + 1
			for ; j < len(text) && text[j] != c; j++ {
				if text[j] == '\\' && !verbatim {
					j++
				}
			}
			j = min(j, len(text)-1)
			b.WriteString(text[i : j+1])
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
