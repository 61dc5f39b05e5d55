package grader

import "sync"

// canonKey is a tenant's query text.
type canonKey struct{ tenantID, text string }

// canonCache remembers query texts rewritten to the canonical ids (logs.Engine.CanonicalText
// looks for each of the tenant's ids in the text: a grade asks for each rule's query twice,
// its ruleQuery and its ruleFired check, and a class regrades the same texts). A tenant's ids
// never change, so an entry stays true; when full the cache starts over.
type canonCache struct {
	mu  sync.Mutex
	max int
	m   map[canonKey]string
}

func newCanonCache(max int) *canonCache {
	return &canonCache{max: max, m: map[canonKey]string{}}
}

// canonicalText is the engine's CanonicalText, remembered.
func (g *Grader) canonicalText(tenantID, text string) (string, error) {
	k := canonKey{tenantID, text}
	g.canon.mu.Lock()
	out, ok := g.canon.m[k]
	g.canon.mu.Unlock()
	if ok {
		return out, nil
	}
	out, err := g.engine.CanonicalText(tenantID, text)
	if err != nil {
		return "", err
	}
	g.canon.mu.Lock()
	if len(g.canon.m) >= g.canon.max {
		g.canon.m = map[canonKey]string{}
	}
	g.canon.m[k] = out
	g.canon.mu.Unlock()
	return out, nil
}
