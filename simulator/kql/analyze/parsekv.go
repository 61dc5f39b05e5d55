package analyze

import (
	"regexp"
	"strings"

	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/types"
)

// kvOptions are parse-kv's `with (...)` properties.
type kvOptions struct {
	pairDelim, kvDelim string
	quoteOpen          string
	quoteClose         string
	escape             string
	greedy             bool
	re                 *regexp.Regexp
}

// parseKv compiles `parse-kv Source as (cols) [with (props)]`.
func (a *analyzer) parseKv(sc *scope, in exec.Node, o *ast.ParseKvOp) exec.Node {
	inCols := in.Columns()
	src := a.scalarOp(sc, inCols, o.Source, "parse-kv")
	var opts kvOptions
	delimited := false
	for _, w := range o.With {
		v := a.scalarOp(sc, nil, w.Value, "parse-kv")
		if v.Const == nil {
			fail(w, diag.CodeBadArgument, "'parse-kv' operator: the property '%s' must be a constant", w.Name.Name)
		}
		text := types.FormatText(*v.Const)
		switch strings.ToLower(w.Name.Name) {
		case "pair_delimiter":
			opts.pairDelim, delimited = text, true
		case "kv_delimiter":
			opts.kvDelim, delimited = text, true
		case "quote":
			opts.quoteOpen, opts.quoteClose = text, text
			if len(text) == 2 {
				opts.quoteOpen, opts.quoteClose = text[:1], text[1:]
			}
		case "escape":
			opts.escape = text
		case "greedy":
			opts.greedy = v.Const.T == types.Bool && v.Const.I != 0 || strings.EqualFold(text, "true")
		case "regex":
			re, err := regexp.Compile(text)
			if err != nil {
				fail(w, diag.CodeBadArgument, "'parse-kv' operator: invalid regex: %v", err)
			}
			opts.re = re
		}
	}
	var names []string
	cols := append([]exec.Column(nil), inCols...)
	pass := identity(len(inCols))
	var targets []int
	for _, c := range o.Columns {
		t := types.String
		if c.Type != "" {
			tt, ok := types.ParseType(c.Type)
			if !ok {
				fail(c, diag.CodeInvalid, "Unknown type '%s'", c.Type)
			}
			t = tt
		}
		names = append(names, c.Name.Name)
		col := exec.Column{Name: c.Name.Name, Type: t}
		if j := colIndex(cols, col.Name); j >= 0 {
			cols[j], pass[j] = col, -1
			targets = append(targets, j)
		} else {
			targets = append(targets, len(cols))
			cols = append(cols, col)
			pass = append(pass, -1)
		}
	}
	var pairs func(string) map[string]string
	switch {
	case opts.re != nil:
		re := opts.re
		pairs = func(s string) map[string]string {
			m := map[string]string{}
			for _, g := range re.FindAllStringSubmatch(s, -1) {
				if len(g) >= 3 {
					k := strings.TrimSpace(g[1])
					if _, dup := m[k]; !dup {
						m[k] = strings.TrimSpace(g[2])
					}
				}
			}
			return m
		}
	case delimited:
		if opts.pairDelim == "" {
			opts.pairDelim = " "
		}
		if opts.kvDelim == "" {
			opts.kvDelim = "="
		}
		pairs = func(s string) map[string]string { return splitKV(s, opts) }
	default:
		pairs = func(s string) map[string]string { return findKV(s, names, opts) }
	}
	fn := func(s string) ([]string, []bool) {
		m := pairs(s)
		vals := make([]string, len(names))
		found := make([]bool, len(names))
		for i, n := range names {
			vals[i], found[i] = m[n]
		}
		return vals, found
	}
	return &exec.Extract{In: in, Source: src, Cols: cols, Pass: pass, Targets: targets, Fn: fn}
}

// splitKV reads key/value pairs separated by explicit delimiters, with optional quoting.
func splitKV(s string, o kvOptions) map[string]string {
	m := map[string]string{}
	pos := 0
	readQuoted := func() (string, bool) {
		if o.quoteOpen == "" || !strings.HasPrefix(s[pos:], o.quoteOpen) {
			return "", false
		}
		var b strings.Builder
		i := pos + len(o.quoteOpen)
		for i < len(s) {
			if o.escape != "" && strings.HasPrefix(s[i:], o.escape) && i+len(o.escape) < len(s) {
				i += len(o.escape)
				b.WriteByte(s[i])
				i++
				continue
			}
			if strings.HasPrefix(s[i:], o.quoteClose) {
				pos = i + len(o.quoteClose)
				return b.String(), true
			}
			b.WriteByte(s[i])
			i++
		}
		pos = len(s)
		return b.String(), true
	}
	for pos < len(s) {
		for strings.HasPrefix(s[pos:], o.pairDelim) {
			pos += len(o.pairDelim)
		}
		if pos >= len(s) {
			break
		}
		key, quoted := readQuoted()
		if !quoted {
			end := strings.Index(s[pos:], o.kvDelim)
			pd := strings.Index(s[pos:], o.pairDelim)
			if end < 0 {
				break
			}
			if pd >= 0 && pd < end {
				pos += pd
				continue
			}
			key = s[pos : pos+end]
			pos += end
		}
		if !strings.HasPrefix(s[pos:], o.kvDelim) {
			continue
		}
		pos += len(o.kvDelim)
		val, quoted := readQuoted()
		if !quoted {
			end := len(s) - pos
			if o.greedy {
				end = greedyEnd(s[pos:], o)
			} else if pd := strings.Index(s[pos:], o.pairDelim); pd >= 0 {
				end = pd
			}
			val = s[pos : pos+end]
			pos += end
		}
		key = strings.TrimSpace(key)
		if _, dup := m[key]; !dup {
			m[key] = strings.TrimSpace(val)
		}
	}
	return m
}

// greedyEnd finds where a greedy value ends: at the pair delimiter that starts the next
// `key<kv_delimiter>`.
func greedyEnd(rest string, o kvOptions) int {
	off := 0
	for {
		pd := strings.Index(rest[off:], o.pairDelim)
		if pd < 0 {
			return len(rest)
		}
		next := rest[off+pd+len(o.pairDelim):]
		kv := strings.Index(next, o.kvDelim)
		if kv >= 0 && !strings.Contains(next[:kv], o.pairDelim) {
			return off + pd
		}
		off += pd + len(o.pairDelim)
	}
}

// findKV is parse-kv without delimiters: each wanted key is looked up as `key:` or `key=`, and
// its value runs to the next space, comma or semicolon (or the closing quote).
func findKV(s string, keys []string, o kvOptions) map[string]string {
	m := map[string]string{}
	for _, k := range keys {
		re := regexp.MustCompile(`(?:^|[\s,;\[\]])` + regexp.QuoteMeta(k) + `\s*[:=]\s*`)
		loc := re.FindStringIndex(s)
		if loc == nil {
			continue
		}
		rest := s[loc[1]:]
		if o.quoteOpen != "" && strings.HasPrefix(rest, o.quoteOpen) {
			var b strings.Builder
			i := len(o.quoteOpen)
			for i < len(rest) {
				if o.escape != "" && strings.HasPrefix(rest[i:], o.escape) && i+len(o.escape) < len(rest) {
					i += len(o.escape)
					b.WriteByte(rest[i])
					i++
					continue
				}
				if strings.HasPrefix(rest[i:], o.quoteClose) {
					break
				}
				b.WriteByte(rest[i])
				i++
			}
			m[k] = b.String()
			continue
		}
		end := strings.IndexAny(rest, " ,;\t")
		if end < 0 {
			end = len(rest)
		}
		m[k] = rest[:end]
	}
	return m
}
