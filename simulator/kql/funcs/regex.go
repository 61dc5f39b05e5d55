package funcs

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/soclab/soclab/simulator/kql/types"
)

// regexCache compiles patterns for one call site. A constant pattern is
// compiled once at Bind time; a pattern computed per row is cached (the
// last few patterns), so a column of repeated patterns compiles rarely.
type regexCache struct {
	fixed *regexp.Regexp
	mu    sync.Mutex
	seen  map[string]*regexp.Regexp
}

const regexCacheMax = 64

// newRegexCache prepares the cache for argument i of a call site: a
// constant pattern is compiled now and an invalid one is an error.
func newRegexCache(args []Arg, i int) (*regexCache, error) {
	c := &regexCache{}
	if i < len(args) && args[i].Const && !args[i].V.IsNull() {
		re, err := regexp.Compile(str(args[i].V))
		if err != nil {
			return nil, fmt.Errorf("Relop semantic error: 'regex' has the following semantic error: the regex pattern %q is not valid: %w", str(args[i].V), err)
		}
		c.fixed = re
	}
	return c, nil
}

// get returns the compiled pattern, or nil when it does not compile
// (the function's result is then null).
func (c *regexCache) get(pattern types.Value) *regexp.Regexp {
	if c.fixed != nil {
		return c.fixed
	}
	p := str(pattern)
	c.mu.Lock()
	defer c.mu.Unlock()
	if re, ok := c.seen[p]; ok {
		return re
	}
	re, err := regexp.Compile(p)
	if err != nil {
		re = nil
	}
	if c.seen == nil || len(c.seen) >= regexCacheMax {
		c.seen = map[string]*regexp.Regexp{}
	}
	c.seen[p] = re
	return re
}

// regexFunc builds a Func whose argument patternArg is a regex compiled
// per call site; eval receives the compiled regex (nil if invalid).
func regexFunc(name string, ret types.Type, params []kind, minArgs, maxArgs, patternArg int,
	eval func(c *Context, re *regexp.Regexp, args []types.Value) types.Value) *Func {
	f := &Func{Name: name, MinArgs: minArgs, MaxArgs: maxArgs, params: params, ret: ret}
	f.bind = func(args []Arg) (EvalFunc, error) {
		cache, err := newRegexCache(args, patternArg)
		if err != nil {
			return nil, err
		}
		return func(c *Context, a []types.Value) types.Value {
			re := cache.get(a[patternArg])
			return eval(c, re, a)
		}, nil
	}
	// Without Bind (e.g. constant folding by a caller that skips it), compile each time.
	f.eval = func(c *Context, a []types.Value) types.Value {
		re, err := regexp.Compile(str(a[patternArg]))
		if err != nil {
			re = nil
		}
		return eval(c, re, a)
	}
	return f
}

// CompileRegex compiles a Kusto (RE2) pattern for the `matches regex`
// operator; the error carries Kusto's wording.
func CompileRegex(pattern string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("Relop semantic error: 'matches regex' has the following semantic error: the regex pattern %q is not valid: %w", pattern, err)
	}
	return re, nil
}

// goRewrite converts a Kusto rewrite pattern (\1 refers to group 1) to
// Go's template syntax (${1}), escaping literal dollars.
func goRewrite(rewrite string) string {
	var b strings.Builder
	for i := 0; i < len(rewrite); i++ {
		c := rewrite[i]
		switch {
		case c == '$':
			b.WriteString("$$")
		case c == '\\' && i+1 < len(rewrite) && rewrite[i+1] >= '0' && rewrite[i+1] <= '9':
			j := i + 1
			for j < len(rewrite) && rewrite[j] >= '0' && rewrite[j] <= '9' {
				j++
			}
			b.WriteString("${" + rewrite[i+1:j] + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
