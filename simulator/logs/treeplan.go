package logs

import (
	"maps"
	"slices"
	"strings"
)

// treePlan says where a shared dynamic tree's tenant tokens are: the entries of a map (by
// key) or the elements of a slice (by index) whose key or value holds one, each with the plan
// of its value. It is found once per tree for the whole class (tokenSet.treePlan), so a
// tenant's conversion walks only the paths to its tokens: no string of the tree is scanned
// again, and the rest of the tree (most of it) is not visited at all.
type treePlan struct {
	steps []treeStep
}

// treeStep is one map entry or slice element on the way to a token.
type treeStep struct {
	key   string // a map entry's key
	index int    // a slice element's index; -1 for a map entry
	// keyToken is set when the map key itself holds a token.
	keyToken bool
	// sub is the value's plan: nil when the value holds no token (only its key does),
	// stringToken when it is a string holding one.
	sub *treePlan
}

// stringToken is the plan of a string value holding a token.
var stringToken = &treePlan{}

// treePlan returns the plan of a dynamic value, nil when it holds no token. Containers are
// planned once and remembered by identity (the shared tables' trees are interned and live as
// long as the engine; the key's pointer keeps a tree alive, so it is never reused for another).
func (ts *tokenSet) treePlan(x any) *treePlan {
	key, shared := treeKey(x)
	if !shared {
		return ts.planTree(x)
	}
	ts.tmu.Lock()
	p, ok := ts.trees[key]
	ts.tmu.Unlock()
	if ok {
		return p
	}
	p = ts.planTree(x)
	ts.tmu.Lock()
	if ts.trees == nil {
		ts.trees = map[dynKey]*treePlan{}
	}
	ts.trees[key] = p
	ts.tmu.Unlock()
	return p
}

// planTree finds a value's token paths (map entries in key order, so a conversion does not
// depend on map iteration order).
func (ts *tokenSet) planTree(x any) *treePlan {
	switch g := x.(type) {
	case string:
		if ts.contains(g) {
			return stringToken
		}
	case []any:
		var steps []treeStep
		for i, e := range g {
			if sub := ts.planTree(e); sub != nil {
				steps = append(steps, treeStep{index: i, sub: sub})
			}
		}
		if steps != nil {
			return &treePlan{steps: slices.Clip(steps)}
		}
	case map[string]any:
		var steps []treeStep
		for k, e := range g {
			kt, sub := ts.contains(k), ts.planTree(e)
			if kt || sub != nil {
				steps = append(steps, treeStep{key: k, index: -1, keyToken: kt, sub: sub})
			}
		}
		if steps != nil {
			slices.SortFunc(steps, func(a, b treeStep) int { return strings.Compare(a.key, b.key) })
			return &treePlan{steps: slices.Clip(steps)}
		}
	}
	return nil
}

// convert returns x with the tenant's tokens along p's paths: the containers on a path are
// copied (the shared tree is never modified), everything else is shared.
func (r *rebase) convert(x any, p *treePlan) any {
	if p == nil {
		return x
	}
	switch g := x.(type) {
	case string:
		if p == stringToken {
			return r.known(g)
		}
	case []any:
		out := slices.Clone(g)
		for _, st := range p.steps {
			if st.index < len(g) {
				out[st.index] = r.convert(g[st.index], st.sub)
			}
		}
		return out
	case map[string]any:
		out := maps.Clone(g)
		for _, st := range p.steps {
			e, ok := g[st.key]
			if !ok {
				continue
			}
			ne := r.convert(e, st.sub)
			if st.keyToken {
				delete(out, st.key)
				out[r.known(st.key)] = ne
			} else {
				out[st.key] = ne
			}
		}
		return out
	}
	return x
}
