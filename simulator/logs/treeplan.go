package logs

import (
	"maps"
	"slices"
	"strings"
)

// Plans of the shared telemetry's token-bearing values, found once for the whole class (the
// tokenSet's), and each tenant's conversions of them, remembered by the plans' numbers (the
// rebase's): a tenant's overlay neither scans a value for tokens nor hashes one to find its
// conversion.

// treePlan says where a shared value's tenant tokens are. A string's plan lists the spots of
// its tokens; a dynamic tree's lists the entries of a map (by key) or the elements of a slice
// (by index) whose key or value holds one, each with the plan of its value: a tenant's
// conversion walks only the paths to its tokens, and the rest of the tree (most of it) is
// shared, not visited.
type treePlan struct {
	// id numbers the strings (and, separately, the root trees) planned for the class: where a
	// tenant keeps its conversion (-1: a tree inside another, converted with its root).
	id int32
	// text is a string's value and spots where its tokens are (a string's plan has spots).
	text  string
	spots []tokenSpot
	steps []treeStep
}

// tokenSpot is one token in a string: text[start:end] is canonical token number token.
type tokenSpot struct {
	start, end, token int32
}

// treeStep is one map entry or slice element on the way to a token.
type treeStep struct {
	key   string // a map entry's key
	index int    // a slice element's index; -1 for a map entry
	// keyPlan is the key's plan when the key itself holds a token.
	keyPlan *treePlan
	// sub is the value's plan: nil when the value holds no token (only its key does).
	sub *treePlan
}

// isString reports whether p is a string's plan.
func (p *treePlan) isString() bool { return p.spots != nil }

// stringPlan returns the plan of a string, nil when it holds no token. Plans of strings
// holding tokens are remembered by value (a few thousand for the class).
func (ts *tokenSet) stringPlan(s string) *treePlan {
	if !ts.contains(s) {
		return nil // most strings: not remembered
	}
	ts.tmu.Lock()
	p, ok := ts.strs[s]
	ts.tmu.Unlock()
	if ok {
		return p
	}
	var spots []tokenSpot
	for start, n, k := ts.next(s, 0); start >= 0; start, n, k = ts.next(s, start+n) {
		spots = append(spots, tokenSpot{int32(start), int32(start + n), int32(k)})
	}
	ts.tmu.Lock()
	defer ts.tmu.Unlock()
	if p, ok := ts.strs[s]; ok {
		return p
	}
	if ts.strs == nil {
		ts.strs = map[string]*treePlan{}
	}
	p = &treePlan{id: int32(len(ts.strs)), text: s, spots: slices.Clip(spots)}
	ts.strs[s] = p
	return p
}

// treePlan returns the plan of a dynamic value, nil when it holds no token. Trees are
// planned once and remembered by identity (the shared tables' trees are interned and live
// as long as the engine; the key's pointer keeps a tree alive, so it is never reused for
// another).
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
	defer ts.tmu.Unlock()
	if q, ok := ts.trees[key]; ok {
		return q // planned meanwhile: keep one number per tree
	}
	if ts.trees == nil {
		ts.trees = map[dynKey]*treePlan{}
	}
	if p != nil {
		p.id = ts.nTrees
		ts.nTrees++
	}
	ts.trees[key] = p
	return p
}

// planTree finds a value's token paths (map entries in key order, so a conversion does not
// depend on map iteration order). Containers are numbered -1 (treePlan numbers roots).
func (ts *tokenSet) planTree(x any) *treePlan {
	switch g := x.(type) {
	case string:
		return ts.stringPlan(g)
	case []any:
		var steps []treeStep
		for i, e := range g {
			if sub := ts.planTree(e); sub != nil {
				steps = append(steps, treeStep{index: i, sub: sub})
			}
		}
		if steps != nil {
			return &treePlan{id: -1, steps: slices.Clip(steps)}
		}
	case map[string]any:
		var steps []treeStep
		for k, e := range g {
			kp, sub := ts.stringPlan(k), ts.planTree(e)
			if kp != nil || sub != nil {
				steps = append(steps, treeStep{key: k, index: -1, keyPlan: kp, sub: sub})
			}
		}
		if steps != nil {
			slices.SortFunc(steps, func(a, b treeStep) int { return strings.Compare(a.key, b.key) })
			return &treePlan{id: -1, steps: slices.Clip(steps)}
		}
	}
	return nil
}

// planned returns x, whose plan is p (nil: x holds no token), with the tenant's tokens. A
// string's conversion and a root tree's are remembered by their plan's number, so every view
// of the tenant shares one converted copy of each.
func (r *rebase) planned(x any, p *treePlan) any {
	if p == nil || r.identity {
		return x
	}
	if p.isString() {
		return r.leaf(p)
	}
	if p.id < 0 {
		return r.convert(x, p)
	}
	r.mu.Lock()
	if int(p.id) < len(r.trees) && r.trees[p.id] != nil {
		out := r.trees[p.id]
		r.mu.Unlock()
		return out
	}
	r.mu.Unlock()
	out := r.convert(x, p)
	r.mu.Lock()
	r.trees = grown(r.trees, p.id)
	if r.trees[p.id] == nil {
		r.trees[p.id] = out
	} else {
		out = r.trees[p.id] // converted meanwhile: keep one copy
	}
	r.mu.Unlock()
	return out
}

// leaf returns a token-bearing string (its plan p) with the tenant's tokens, remembered.
func (r *rebase) leaf(p *treePlan) string {
	r.mu.Lock()
	if int(p.id) < len(r.done) && r.done[p.id] {
		s := r.strs[p.id]
		r.mu.Unlock()
		return s
	}
	r.mu.Unlock()
	var b strings.Builder
	b.Grow(len(p.text) + 8)
	last := int32(0)
	for _, sp := range p.spots {
		b.WriteString(p.text[last:sp.start])
		b.WriteString(r.to[sp.token])
		last = sp.end
	}
	b.WriteString(p.text[last:])
	s := b.String()
	r.mu.Lock()
	r.strs, r.done = grown(r.strs, p.id), grown(r.done, p.id)
	r.strs[p.id], r.done[p.id] = s, true
	r.mu.Unlock()
	return s
}

// grown returns s with room for index i (doubling, so a tenant's memo grows in a few steps).
func grown[T any](s []T, i int32) []T {
	if int(i) < len(s) {
		return s
	}
	return append(s, make([]T, max(int(i)+1, 2*len(s), 256)-len(s))...)
}

// convert returns x with the tenant's tokens along p's paths: the containers on a path are
// copied (the shared tree is never modified), everything else is shared.
func (r *rebase) convert(x any, p *treePlan) any {
	switch g := x.(type) {
	case string:
		if p.isString() {
			return r.leaf(p)
		}
	case []any:
		out := slices.Clone(g)
		for _, st := range p.steps {
			if st.index < len(g) {
				out[st.index] = r.planned(g[st.index], st.sub)
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
			ne := r.planned(e, st.sub)
			if st.keyPlan != nil {
				delete(out, st.key)
				out[r.leaf(st.keyPlan)] = ne
			} else {
				out[st.key] = ne
			}
		}
		return out
	}
	return x
}
