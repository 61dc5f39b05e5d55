package funcs

import (
	"encoding/csv"
	"github.com/soclab/soclab/simulator/kql/types"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// registerText adds the less common text functions Sentinel content and
// the Kusto docs use (extract_json, parse_xml, replace_strings,
// indexof_regex, parse_csv, parse_command_line, assert...).
func registerText(add func(*Func)) {
	ej := fixed("extract_json", types.String, []kind{kString, kString}, 2, 3, extractJSON)
	ej.retFn = func(args []Arg) (types.Type, error) {
		if len(args) == 3 && args[2].IsTypeLiteral {
			return args[2].TypeLiteral, nil
		}
		return types.String, nil
	}
	ej.bind = func(args []Arg) (EvalFunc, error) {
		target := types.String
		if len(args) == 3 && args[2].IsTypeLiteral {
			target = args[2].TypeLiteral
		}
		return func(c *Context, a []types.Value) types.Value {
			v := extractJSON(c, a[:2])
			if target != types.String {
				return types.Convert(v, target)
			}
			return v
		}, nil
	}
	add(ej)
	add(alias("extractjson", ej))
	add(fixed("parse_xml", types.Dynamic, s1, 1, 1, parseXML))
	add(fixed("replace_strings", types.String, []kind{kString, kDyn, kDyn}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		from, ok1 := arr(a[1])
		to, ok2 := arr(a[2])
		if !ok1 || !ok2 {
			return types.NewString(str(a[0]))
		}
		return types.NewString(replaceStrings(str(a[0]), from, to))
	}))
	add(regexFunc("indexof_regex", types.Long, []kind{kString, kString, kNum, kNum, kNum}, 2, 5, 1, indexOfRegex))
	add(fixed("has_any_index", types.Long, []kind{kString, kDyn}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[1])
		if !ok {
			return types.NullOf(types.Long)
		}
		s := str(a[0])
		for i, e := range x {
			if Has(s, str(elem(e))) {
				return types.NewLong(int64(i))
			}
		}
		return types.NewLong(-1)
	}))
	add(fixed("format_bytes", types.String, []kind{kNum, kNum, kString}, 1, 3, formatBytes))
	add(fixed("unicode_codepoints_from_string", types.Dynamic, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		out := []any{}
		for _, r := range str(a[0]) {
			out = append(out, int64(r))
		}
		return types.NewDynamic(out)
	}))
	add(fixed("unicode_codepoints_to_string", types.String, sAny, 1, Variadic, func(_ *Context, a []types.Value) types.Value {
		var b strings.Builder
		for _, v := range ExpandList(a) {
			n, ok := v.AsInt()
			if !ok || n < 0 || n > utf8.MaxRune {
				return types.NewString("")
			}
			b.WriteRune(rune(n))
		}
		return types.NewString(b.String())
	}))
	add(fixed("parse_csv", types.Dynamic, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		r := csv.NewReader(strings.NewReader(str(a[0])))
		r.FieldsPerRecord = -1
		r.LazyQuotes = true
		rec, err := r.Read()
		if err != nil {
			return types.NewDynamic([]any{""})
		}
		out := make([]any, len(rec))
		for i, f := range rec {
			out[i] = f
		}
		return types.NewDynamic(out)
	}))
	add(fixed("isascii", types.Bool, s1, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(isASCII(str(a[0]))) }))
	add(fixed("isutf8", types.Bool, s1, 1, 1, func(_ *Context, a []types.Value) types.Value { return types.NewBool(utf8.ValidString(str(a[0]))) }))
	add(fixed("regex_quote", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(regexp.QuoteMeta(str(a[0])))
	}))
	add(fixed("strcmp", types.Int, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		return types.NewInt(int64(strings.Compare(str(a[0]), str(a[1]))))
	}))
	add(fixed("parse_version", types.Decimal, s1, 1, 1, parseVersion))
	add(fixed("parse_command_line", types.Dynamic, s2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		if !strings.EqualFold(str(a[1]), "windows") {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(windowsArgs(str(a[0])))
	}))
	add(fixed("assert", types.Bool, []kind{kBool, kString}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		if b := types.Convert(a[0], types.Bool); b.IsNull() || !b.Bool() {
			panic(&RuntimeError{Msg: "assert() has failed with message: '" + str(a[1]) + "'"})
		}
		return types.NewBool(true)
	}))
}

// indexOfRegex: indexof_regex(source, regex[, start[, length[,
// occurrence]]]); matches do not overlap; a negative start, length < -1
// or occurrence < 1 give null.
func indexOfRegex(_ *Context, re *regexp.Regexp, a []types.Value) types.Value {
	if re == nil {
		return types.NullOf(types.Long)
	}
	src := []rune(str(a[0]))
	start, length, occ := int64(0), int64(-1), int64(1)
	if len(a) > 2 {
		start, _ = a[2].AsInt()
	}
	if len(a) > 3 {
		length, _ = a[3].AsInt()
	}
	if len(a) > 4 {
		occ, _ = a[4].AsInt()
	}
	if start < 0 || length < -1 || occ < 1 {
		return types.NullOf(types.Long)
	}
	if start > int64(len(src)) {
		return types.NewLong(-1)
	}
	end := int64(len(src))
	if length >= 0 && start+length < end {
		end = start + length
	}
	hay := string(src[start:end])
	locs := re.FindAllStringIndex(hay, int(min(occ, 1<<20)))
	if int64(len(locs)) < occ {
		return types.NewLong(-1)
	}
	return types.NewLong(start + int64(utf8.RuneCountInString(hay[:locs[occ-1][0]])))
}

// replaceStrings: replace_strings(text, lookups, rewrites). Each lookup in
// turn claims its non-overlapping matches that do not overlap a match of
// an earlier lookup; a rewrite that is not a string leaves its matches as
// they are (the replace_strings doc examples).
func replaceStrings(text string, lookups, rewrites []any) string {
	type claim struct {
		start, end int
		with       string
	}
	var claims []claim
	overlaps := func(s, e int) bool {
		for _, c := range claims {
			if s < c.end && c.start < e {
				return true
			}
		}
		return false
	}
	for i, l := range lookups {
		look, ok := l.(string)
		if !ok || look == "" {
			continue
		}
		var with string
		keep := true
		if i < len(rewrites) {
			with, keep = rewrites[i].(string)
			keep = !keep
		}
		for from := 0; from <= len(text)-len(look); {
			j := strings.Index(text[from:], look)
			if j < 0 {
				break
			}
			s, e := from+j, from+j+len(look)
			if !overlaps(s, e) {
				w := with
				if keep {
					w = look
				}
				claims = append(claims, claim{s, e, w})
				from = e
			} else {
				from = s + 1
			}
		}
	}
	sort.Slice(claims, func(i, j int) bool { return claims[i].start < claims[j].start })
	var b strings.Builder
	pos := 0
	for _, c := range claims {
		b.WriteString(text[pos:c.start])
		b.WriteString(c.with)
		pos = c.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// formatBytes: format_bytes(size[, precision[, units]]) as "1 KB",
// "1.5 MB" (powers of 1024).
func formatBytes(_ *Context, a []types.Value) types.Value {
	size, ok := a[0].AsFloat()
	if !ok {
		return types.NewString("")
	}
	prec := int64(0)
	if len(a) > 1 {
		prec, _ = a[1].AsInt()
		prec = min(max(prec, 0), 17)
	}
	units := []string{"Bytes", "KB", "MB", "GB", "TB", "PB", "EB"}
	i := 0
	if len(a) > 2 && str(a[2]) != "" {
		want := strings.ToUpper(str(a[2]))
		for j, u := range units {
			if strings.ToUpper(u) == want || (want == "B" && j == 0) {
				i = j
			}
		}
		size /= math.Pow(1024, float64(i))
	} else {
		for math.Abs(size) >= 1024 && i < len(units)-1 {
			size /= 1024
			i++
		}
	}
	return types.NewString(strconv.FormatFloat(size, 'f', int(prec), 64) + " " + units[i])
}

// parseVersion: up to four dot-separated parts of at most 8 digits each,
// as a decimal with every part padded to 8 digits. Held as float64 here,
// so versions differing only past ~15 significant digits compare equal.
func parseVersion(_ *Context, a []types.Value) types.Value {
	parts := strings.Split(strings.TrimSpace(str(a[0])), ".")
	if len(parts) == 0 || len(parts) > 4 {
		return types.NullOf(types.Decimal)
	}
	v := 0.0
	for i := 0; i < 4; i++ {
		n := 0
		if i < len(parts) {
			p := parts[i]
			if p == "" || len(p) > 8 {
				return types.NullOf(types.Decimal)
			}
			var err error
			if n, err = strconv.Atoi(p); err != nil || n < 0 {
				return types.NullOf(types.Decimal)
			}
		}
		v = v*1e8 + float64(n)
	}
	return types.NewDecimal(v)
}

// windowsArgs splits a command line as CommandLineToArgvW does: spaces
// separate, double quotes group, 2n backslashes before a quote become n,
// 2n+1 become n and a literal quote.
func windowsArgs(s string) []any {
	out := []any{}
	var cur strings.Builder
	inQuotes, have := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			j := i
			for j < len(s) && s[j] == '\\' {
				j++
			}
			n := j - i
			if j < len(s) && s[j] == '"' {
				cur.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					cur.WriteByte('"')
					j++
				}
			} else {
				cur.WriteString(strings.Repeat(`\`, n))
			}
			have = true
			i = j - 1
		case c == '"':
			inQuotes = !inQuotes
			have = true
		case (c == ' ' || c == '\t') && !inQuotes:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}

// RuntimeError is a query error raised while evaluating a row (assert()).
// Evaluators panic with a *RuntimeError; the executor recovers it and
// reports Msg as the query's error.
type RuntimeError struct{ Msg string }

// Error returns the message.
func (e *RuntimeError) Error() string { return e.Msg }
