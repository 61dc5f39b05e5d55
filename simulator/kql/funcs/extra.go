package funcs

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/csv"
	"io"
	"math"
	"math/bits"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/types"
)

// registerExtra adds the less common functions Sentinel content and the
// Kusto docs use, plus the deprecated names of common ones.
func registerExtra(add func(*Func), lookup func(string) (*Func, bool)) {
	for old, cur := range map[string]string{"parsejson": "parse_json", "arraylength": "array_length", "extractall": "extract_all"} {
		if f, ok := lookup(cur); ok {
			add(alias(old, f))
		}
	}
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
	add(fixed("base64_decode_toarray", types.Dynamic, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b, err := decodeBase64(str(a[0]))
		if err != nil {
			return types.NewDynamic([]any{})
		}
		out := make([]any, len(b))
		for i, c := range b {
			out[i] = int64(c)
		}
		return types.NewDynamic(out)
	}))
	add(fixed("base64_encode_fromarray", types.String, d1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := arr(a[0])
		if !ok {
			return types.NewString("")
		}
		b := make([]byte, len(x))
		for i, e := range x {
			n, _ := elem(e).AsInt()
			b[i] = byte(n)
		}
		return types.NewString(base64.StdEncoding.EncodeToString(b))
	}))
	add(fixed("bag_zip", types.Dynamic, dN, 2, 2, func(_ *Context, a []types.Value) types.Value {
		keys, ok1 := arr(a[0])
		vals, _ := arr(a[1]) // not an array: every key gets null
		if !ok1 {
			return types.NullOf(types.Dynamic)
		}
		m := map[string]any{}
		for i, k := range keys {
			s, ok := k.(string)
			if !ok {
				continue
			}
			var v any
			if i < len(vals) {
				v = vals[i]
			}
			m[s] = v
		}
		return types.NewDynamic(m)
	}))
	add(fixed("bag_set_key", types.Dynamic, []kind{kDyn, kString, kAny}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		m, ok := bag(a[0])
		if !ok {
			return types.NullOf(types.Dynamic)
		}
		return types.NewDynamic(setKey(m, keyPath(str(a[1])), types.ToDynamicElem(a[2])))
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
	add(binaryFunc("binary_and", func(x, y int64) int64 { return x & y }))
	add(binaryFunc("binary_or", func(x, y int64) int64 { return x | y }))
	add(binaryFunc("binary_xor", func(x, y int64) int64 { return x ^ y }))
	add(binaryFunc("binary_shift_left", func(x, y int64) int64 { return x << uint64(y&63) }))
	add(binaryFunc("binary_shift_right", func(x, y int64) int64 { return x >> uint64(y&63) }))
	add(fixed("binary_not", types.Long, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := a[0].AsInt()
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(^x)
	}))
	add(fixed("bitset_count_ones", types.Long, n1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		x, ok := a[0].AsInt()
		if !ok {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(bits.OnesCount64(uint64(x))))
	}))
	add(realFunc("cot", func(x float64) float64 { return 1 / math.Tan(x) }))
	add(realFunc("gamma", math.Gamma))
	add(realFunc("loggamma", func(x float64) float64 { l, _ := math.Lgamma(x); return l }))
	add(fixed("gzip_decompress_from_base64_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return decompress(str(a[0]), func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	}))
	add(fixed("zlib_decompress_from_base64_string", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return decompress(str(a[0]), func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) })
	}))
	add(fixed("range", types.Dynamic, []kind{kBinnable, kBinnable, kBinnable}, 2, 3, rangeArray))
	add(fixed("array_rotate_left", types.Dynamic, []kind{kDyn, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value { return rotate(a, 1) }))
	add(fixed("array_rotate_right", types.Dynamic, []kind{kDyn, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value { return rotate(a, -1) }))
	add(fixed("array_shift_left", types.Dynamic, []kind{kDyn, kNum, kAny}, 2, 3, func(_ *Context, a []types.Value) types.Value { return shift(a, 1) }))
	add(fixed("array_shift_right", types.Dynamic, []kind{kDyn, kNum, kAny}, 2, 3, func(_ *Context, a []types.Value) types.Value { return shift(a, -1) }))
	add(fixed("ipv4_netmask_suffix", types.Int, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		_, bits, ok := parseIPv4CIDR(str(a[0]))
		if !ok {
			return types.NullOf(types.Int)
		}
		return types.NewInt(int64(bits))
	}))
}

func binaryFunc(name string, op func(x, y int64) int64) *Func {
	return fixed(name, types.Long, []kind{kNum, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		x, ok1 := a[0].AsInt()
		y, ok2 := a[1].AsInt()
		if !ok1 || !ok2 {
			return types.NullOf(types.Long)
		}
		return types.NewLong(op(x, y))
	})
}

func decompress(b64 string, open func(io.Reader) (io.Reader, error)) types.Value {
	raw, err := decodeBase64(b64)
	if err != nil {
		return types.NewString("")
	}
	r, err := open(bytes.NewReader(raw))
	if err != nil {
		return types.NewString("")
	}
	out, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil || !utf8.Valid(out) {
		return types.NewString("")
	}
	return types.NewString(string(out))
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

// rangeArray: range(start, stop[, step]) as a dynamic array of at most
// 1,048,576 elements, Kusto's limit (range-function doc example).
func rangeArray(_ *Context, a []types.Value) types.Value {
	start, stop := a[0], a[1]
	step := types.NewLong(1)
	if len(a) > 2 {
		step = a[2]
	} else if start.T == types.DateTime || start.T == types.TimeSpan {
		step = types.NewTimeSpan(types.TicksPerDay)
	}
	var out []any
	for v := start; len(out) < 1<<20; v = types.Arith(types.OpAdd, v, step) {
		c, ok := types.Compare(v, stop)
		if !ok {
			break
		}
		if s, _ := step.AsFloat(); (step.T == types.TimeSpan && step.I < 0) || s < 0 {
			if c < 0 {
				break
			}
		} else if c > 0 {
			break
		}
		out = append(out, types.ToDynamicElem(v))
		if step.IsNull() || (step.T != types.TimeSpan && func() bool { f, _ := step.AsFloat(); return f == 0 }()) || (step.T == types.TimeSpan && step.I == 0) {
			break
		}
	}
	if out == nil {
		out = []any{}
	}
	return types.NewDynamic(out)
}

func rotate(a []types.Value, dir int64) types.Value {
	x, ok := arr(a[0])
	n, ok2 := a[1].AsInt()
	if !ok || !ok2 {
		return types.NullOf(types.Dynamic)
	}
	if len(x) == 0 {
		return types.NewDynamic([]any{})
	}
	k := ((n*dir)%int64(len(x)) + int64(len(x))) % int64(len(x))
	out := append(append([]any{}, x[k:]...), x[:k]...)
	return types.NewDynamic(out)
}

func shift(a []types.Value, dir int64) types.Value {
	x, ok := arr(a[0])
	n, ok2 := a[1].AsInt()
	if !ok || !ok2 {
		return types.NullOf(types.Dynamic)
	}
	var fill any
	if len(a) > 2 {
		fill = types.ToDynamicElem(a[2])
	}
	n *= dir
	out := make([]any, len(x))
	for i := range out {
		j := int64(i) + n
		if j >= 0 && j < int64(len(x)) {
			out[i] = x[j]
		} else {
			out[i] = fill
		}
	}
	return types.NewDynamic(out)
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
