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
	// flights are the judgings under way for grades, backgroundFlights those of the
	// background: a class grading the same new query at once judges it once, the others wait
	// for that verdict; a grade never waits for a background judging (it computes after
	// everything else) but judges the query itself, and later grades wait for that.
	flights, backgroundFlights map[verdictKey]*flight
	// givenUp are the queries whose background judging ran out of time: the background
	// leaves them to the grades.
	givenUp map[verdictKey]bool
}

// flight is one judging under way; done closes when it ends (its verdict is then cached,
// unless the judging was cut short).
type flight struct{ done chan struct{} }

func newVerdictCache(max int) *verdictCache {
	return &verdictCache{max: max, m: map[verdictKey]queryVerdict{}, flights: map[verdictKey]*flight{},
		backgroundFlights: map[verdictKey]*flight{}, givenUp: map[verdictKey]bool{}}
}

// begin looks the verdict up (found is set) or else registers a judging of key: mine
// reports that the caller judges it and must call end; otherwise wait is the flight under way
// to wait for: a grade's, or for a background caller another background one. One lock: a
// verdict put between a miss and begin is found, not judged again.
func (c *verdictCache) begin(key, exact verdictKey, background bool) (v queryVerdict, found bool, wait *flight, mine bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if v, ok := c.lookupLocked(key, exact); ok {
		return v, true, nil, false
	}
	if f, ok := c.flights[key]; ok {
		return queryVerdict{}, false, f, false
	}
	own := c.flights
	if background {
		if f, ok := c.backgroundFlights[key]; ok {
			return queryVerdict{}, false, f, false
		}
		own = c.backgroundFlights
	}
	own[key] = &flight{done: make(chan struct{})}
	return queryVerdict{}, false, nil, true
}

// end closes the caller's flight of key.
func (c *verdictCache) end(key verdictKey, background bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	own := c.flights
	if background {
		own = c.backgroundFlights
	}
	if f, ok := own[key]; ok {
		delete(own, key)
		close(f.done)
	}
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

// lookup returns the verdict remembered for a query: by its normalised text unless that
// verdict quotes its own text, else by the exact text.
func (c *verdictCache) lookup(key, exact verdictKey) (queryVerdict, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookupLocked(key, exact)
}

func (c *verdictCache) lookupLocked(key, exact verdictKey) (queryVerdict, bool) {
	if v, ok := c.m[key]; ok && !v.textual {
		return v, true
	}
	v, ok := c.m[exact]
	return v, ok
}

// giveUp records that the background could not judge key in time.
func (c *verdictCache) giveUp(key verdictKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.givenUp) >= c.max {
		c.givenUp = map[verdictKey]bool{}
	}
	c.givenUp[key] = true
}

// gaveUp reports whether the background could not judge key in time.
func (c *verdictCache) gaveUp(key verdictKey) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.givenUp[key]
}
