package logs

import (
	"reflect"
	"slices"
	"sync"
	"unsafe"
	"weak"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// tokenSet finds the tenant-dependent strings (generate.TenantTokens: ids, their upper-case
// and dash-less spellings) inside values. A token starts at the beginning of a value or after
// a character that is not a letter or digit; tokens are long (32-64 characters), so only the
// start of a long run of letters, digits and dashes is looked up.
type tokenSet struct {
	index map[string]int // token → position in the canonical list
	lens  []int          // the tokens' lengths, longest first
	// minLen is the shortest token's length: a shorter string holds none (most values).
	minLen int

	// The class's plans (treeplan.go): of the token-bearing strings by value, of the
	// dynamic trees looked at by identity; nTrees numbers the trees holding tokens.
	tmu    sync.Mutex
	strs   map[string]*treePlan
	trees  map[dynKey]*treePlan
	nTrees int32
}

func newTokenSet(tokens []string) *tokenSet {
	ts := &tokenSet{index: make(map[string]int, len(tokens))}
	for i, t := range tokens {
		if _, ok := ts.index[t]; !ok && t != "" {
			ts.index[t] = i
		}
		if !slices.Contains(ts.lens, len(t)) {
			ts.lens = append(ts.lens, len(t))
		}
	}
	slices.SortFunc(ts.lens, func(a, b int) int { return b - a })
	if len(ts.lens) > 0 {
		ts.minLen = ts.lens[len(ts.lens)-1]
	}
	return ts
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// next finds the first token in s at or after from: its start, length and index (-1 if none).
func (ts *tokenSet) next(s string, from int) (start, n, idx int) {
	if len(s)-from < ts.minLen || len(ts.lens) == 0 {
		return -1, 0, -1
	}
	for i := from; i < len(s); i++ {
		if !isAlnum(s[i]) || (i > 0 && isAlnum(s[i-1])) {
			continue
		}
		run := i
		for run < len(s) && (isAlnum(s[run]) || s[run] == '-') {
			run++
		}
		for _, l := range ts.lens {
			if i+l <= run {
				if k, ok := ts.index[s[i:i+l]]; ok {
					return i, l, k
				}
			}
		}
	}
	return -1, 0, -1
}

// contains reports whether s holds a token.
func (ts *tokenSet) contains(s string) bool {
	start, _, _ := ts.next(s, 0)
	return start >= 0
}

// containsDyn reports whether a dynamic value (a tree of maps, slices and scalars) holds a
// token in a key or a string.
func (ts *tokenSet) containsDyn(x any) bool {
	switch g := x.(type) {
	case string:
		return ts.contains(g)
	case []any:
		for _, e := range g {
			if ts.containsDyn(e) {
				return true
			}
		}
	case map[string]any:
		for k, e := range g {
			if ts.contains(k) || ts.containsDyn(e) {
				return true
			}
		}
	}
	return false
}

// rebase turns values of the shared (canonical) telemetry into one tenant's: each canonical
// token is replaced by the tenant's token at the same position. It is safe for concurrent
// use; results are memoized by the class's plans' numbers (strings by value, dynamic trees
// by identity: the shared tables' trees live as long as the engine), for as long as the
// tenant is resident.
type rebase struct {
	ts *tokenSet
	to []string // the tenant's tokens, aligned with the canonical list
	// identity is set when the tenant's tokens are the canonical ones (the default tenant).
	identity bool

	mu sync.Mutex
	// strs[i] is string plan i converted (when done[i]); trees[i] root tree plan i's.
	strs  []string
	done  []bool
	trees []any
	// cols are the tenant's converted columns by the shared column, weakly (sharedgather.go);
	// past colsLimit entries the freed ones are forgotten.
	cols      map[weak.Pointer[exec.Vector]]weak.Pointer[exec.Vector]
	colsLimit int
}

func newRebase(ts *tokenSet, canonical, tenant []string) *rebase {
	return &rebase{ts: ts, to: tenant, identity: slices.Equal(canonical, tenant)}
}

// str returns s with the tenant's tokens.
func (r *rebase) str(s string) string {
	if r.identity {
		return s
	}
	if p := r.ts.stringPlan(s); p != nil {
		return r.leaf(p)
	}
	return s // most values hold no token: scanning is cheaper than remembering them
}

// dyn returns a dynamic value with the tenant's tokens, memoized by the identity of its tree
// (the shared tables' trees are interned and never freed, so views and scenario data of a
// tenant share one converted copy of each).
func (r *rebase) dyn(x any) any {
	if r.identity {
		return x
	}
	return r.planned(x, r.ts.treePlan(x))
}

// dynKey is a dynamic container's identity (its storage, and length for slices).
type dynKey struct {
	p unsafe.Pointer
	n int
}

// sameDyn reports whether a converted value is the original (same string or container).
func sameDyn(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []any:
		y, ok := b.([]any)
		return ok && len(x) == len(y) && (len(x) == 0 || &x[0] == &y[0])
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && reflect.ValueOf(x).UnsafePointer() == reflect.ValueOf(y).UnsafePointer()
	}
	return true // scalars are never converted
}

// dependentColumns reports, per column of t, whether a value holds a token.
func (ts *tokenSet) dependentColumns(t *kql.Table) []bool {
	deps := make([]bool, len(t.Cols))
	for c, v := range t.Vecs {
		switch v.T {
		case types.String, types.GUID, types.Dynamic:
		default:
			continue
		}
		seen := map[string]bool{}
		for i := 0; i < v.Len() && !deps[c]; i++ {
			x := v.Get(i)
			switch {
			case x.IsNull():
			case x.T == types.Dynamic:
				deps[c] = ts.containsDyn(x.D)
			default:
				if !seen[x.S] {
					seen[x.S] = true
					deps[c] = ts.contains(x.S)
				}
			}
		}
	}
	return deps
}
