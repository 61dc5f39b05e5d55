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

// trimFunc builds trim/trim_start/trim_end(regex, text): all leading
// and/or trailing matches of regex are removed. The pattern is wrapped as
// \A(?:p)+ and (?:p)+\z, so one regex search finds the whole run.
func trimFunc(name string, start, end bool) *Func {
	wrap := func(p types.Value) (types.Value, types.Value) {
		return types.NewString(`\A(?:` + str(p) + `)+`), types.NewString(`(?:` + str(p) + `)+\z`)
	}
	prepare := func(args []Arg) (EvalFunc, error) {
		if len(args) > 0 && args[0].Const {
			if _, err := newRegexCache(args, 0); err != nil {
				return nil, err
			}
		}
		var left, right regexCache
		if len(args) > 0 && args[0].Const {
			l, r := wrap(args[0].V)
			lc, _ := newRegexCache([]Arg{{Const: true, V: l}}, 0)
			rc, _ := newRegexCache([]Arg{{Const: true, V: r}}, 0)
			left.fixed, right.fixed = lc.fixed, rc.fixed
		}
		return func(_ *Context, a []types.Value) types.Value {
			s := str(a[1])
			var lp, rp types.Value
			if left.fixed == nil {
				lp, rp = wrap(a[0])
			}
			if start {
				if re := left.get(lp); re != nil {
					if loc := re.FindStringIndex(s); loc != nil {
						s = s[loc[1]:]
					}
				}
			}
			if end {
				if re := right.get(rp); re != nil {
					if loc := re.FindStringIndex(s); loc != nil {
						s = s[:loc[0]]
					}
				}
			}
			return types.NewString(s)
		}, nil
	}
	f := fixed(name, types.String, s2, 2, 2, nil)
	f.bind = prepare
	f.eval = func(c *Context, a []types.Value) types.Value {
		ev, _ := prepare([]Arg{{}, {}})
		return ev(c, a)
	}
	return f
}

func extractFunc() *Func {
	f := regexFunc("extract", types.String, []kind{kString, kNum, kString}, 3, 4, 0, nil)
	f.retFn = func(args []Arg) (types.Type, error) {
		if len(args) == 4 && args[3].IsTypeLiteral {
			return args[3].TypeLiteral, nil
		}
		return types.String, nil
	}
	baseBind := func(args []Arg) (EvalFunc, error) {
		cache, err := newRegexCache(args, 0)
		if err != nil {
			return nil, err
		}
		target := types.String
		if len(args) == 4 && args[3].IsTypeLiteral {
			target = args[3].TypeLiteral
		}
		return func(_ *Context, a []types.Value) types.Value {
			return extract(cache.get(a[0]), a, target)
		}, nil
	}
	f.bind = baseBind
	f.eval = func(c *Context, a []types.Value) types.Value {
		ev, err := baseBind([]Arg{{Const: true, V: a[0]}})
		if err != nil {
			return types.NewString("")
		}
		return ev(c, a)
	}
	return f
}

// extract returns capture group n of the first match ("" when none; null
// of the target type when converting), converted to target.
func extract(re *regexp.Regexp, a []types.Value, target types.Type) types.Value {
	if re == nil || a[1].IsNull() {
		return types.NullOf(target)
	}
	g, _ := a[1].AsInt()
	m := re.FindStringSubmatch(str(a[2]))
	if m == nil || g < 0 || g >= int64(len(m)) {
		return types.NullOf(target)
	}
	v := types.NewString(m[g])
	if target == types.String {
		return v
	}
	return types.Convert(v, target)
}

// extractAll: extract_all(regex, [groups,] text).
func extractAll(_ *Context, re *regexp.Regexp, a []types.Value) types.Value {
	if re == nil {
		return types.NullOf(types.Dynamic)
	}
	text := a[len(a)-1]
	var groups []int64
	if len(a) == 3 {
		if arr, ok := a[1].D.([]any); ok {
			for _, g := range arr {
				switch x := g.(type) {
				case int64:
					groups = append(groups, x)
				case float64:
					groups = append(groups, int64(x))
				case string: // a named group (?P<name>...)
					groups = append(groups, int64(re.SubexpIndex(x)))
				}
			}
		}
	}
	matches := re.FindAllStringSubmatch(str(text), -1)
	if len(matches) == 0 {
		return types.NullOf(types.Dynamic)
	}
	ngroups := re.NumSubexp()
	out := make([]any, 0, len(matches))
	for _, m := range matches {
		switch {
		case len(groups) > 0:
			row := make([]any, 0, len(groups))
			for _, g := range groups {
				if g >= 0 && g < int64(len(m)) {
					row = append(row, m[g])
				}
			}
			if len(row) == 1 {
				out = append(out, row[0])
			} else {
				out = append(out, row)
			}
		case ngroups == 0:
			out = append(out, m[0])
		case ngroups == 1:
			out = append(out, m[1])
		default:
			row := make([]any, ngroups)
			for i := 1; i <= ngroups; i++ {
				row[i-1] = m[i]
			}
			out = append(out, row)
		}
	}
	return types.NewDynamic(out)
}
