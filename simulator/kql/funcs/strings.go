package funcs

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator/kql/govern"
	"github.com/soclab/soclab/simulator/kql/types"
)

var (
	s1   = []kind{kString}
	s2   = []kind{kString, kString}
	s3   = []kind{kString, kString, kString}
	sAny = []kind{kAny}
)

func registerStrings(add func(*Func)) {
	add(fixed("strcat", types.String, sAny, 1, 64, func(c *Context, a []types.Value) types.Value {
		if len(a) == 1 {
			return types.NewString(str(a[0]))
		}
		c.needString(textBytes(a, 0))
		var b strings.Builder
		for _, v := range a {
			b.WriteString(str(v))
		}
		return types.NewString(b.String())
	}))
	add(fixed("strcat_delim", types.String, sAny, 3, 65, func(c *Context, a []types.Value) types.Value {
		delim := str(a[0])
		c.needString(textBytes(a[1:], int64(len(delim))))
		var b strings.Builder
		for i, v := range a[1:] {
			if i > 0 {
				b.WriteString(delim)
			}
			b.WriteString(str(v))
		}
		return types.NewString(b.String())
	}))
	add(fixed("strlen", types.Long, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewLong(int64(utf8.RuneCountInString(str(a[0]))))
	}))
	add(fixed("string_size", types.Long, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewLong(int64(len(str(a[0]))))
	}))
	add(fixed("substring", types.String, []kind{kAny, kNum, kNum}, 2, 3, substring))
	add(fixed("tolower", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(toLower(str(a[0])))
	}))
	add(fixed("toupper", types.String, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(strings.ToUpper(str(a[0])))
	}))
	add(fixed("reverse", types.String, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value {
		r := []rune(str(a[0]))
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return types.NewString(string(r))
	}))
	add(fixed("split", types.Dynamic, []kind{kString, kString, kNum}, 2, 3, split))
	add(fixed("replace_string", types.String, s3, 3, 3, func(c *Context, a []types.Value) types.Value {
		if str(a[1]) == "" {
			return types.NewString(str(a[0]))
		}
		if grow := len(str(a[2])) - len(str(a[1])); grow > 0 {
			c.needString(int64(len(str(a[0]))) + int64(strings.Count(str(a[0]), str(a[1])))*int64(grow))
		}
		return types.NewString(strings.ReplaceAll(str(a[0]), str(a[1]), str(a[2])))
	}))
	add(regexFunc("replace_regex", types.String, s3, 3, 3, 1, func(c *Context, re *regexp.Regexp, a []types.Value) types.Value {
		if re == nil {
			return types.NewString("")
		}
		c.needString(replaceBound(str(a[0]), str(a[2])))
		return types.NewString(re.ReplaceAllString(str(a[0]), goRewrite(str(a[2]))))
	}))
	// replace(regex, rewrite, text) is the deprecated name with another argument order.
	add(regexFunc("replace", types.String, s3, 3, 3, 0, func(c *Context, re *regexp.Regexp, a []types.Value) types.Value {
		if re == nil {
			return types.NewString("")
		}
		c.needString(replaceBound(str(a[2]), str(a[1])))
		return types.NewString(re.ReplaceAllString(str(a[2]), goRewrite(str(a[1]))))
	}))
	add(trimFunc("trim", true, true))
	add(trimFunc("trim_start", true, false))
	add(trimFunc("trim_end", false, true))
	add(extractFunc())
	add(regexFunc("extract_all", types.Dynamic, []kind{kString, kAny, kString}, 2, 3, 0, extractAll))
	add(fixed("indexof", types.Long, []kind{kAny, kAny, kNum, kNum, kNum}, 2, 5, indexOf))
	add(fixed("countof", types.Long, s3, 2, 3, countOf))
	add(fixed("strrep", types.String, []kind{kAny, kNum, kString}, 2, 3, strrep))
	add(fixed("translate", types.String, s3, 3, 3, translate))
	add(fixed("strcat_array", types.String, []kind{kDyn, kString}, 2, 2, func(c *Context, a []types.Value) types.Value {
		arr, _ := a[0].D.([]any)
		c.needString(govern.DynamicBytes(arr) + int64(len(arr))*int64(len(str(a[1]))))
		parts := make([]string, len(arr))
		for i, e := range arr {
			parts[i] = str(types.NewDynamic(e))
		}
		return types.NewString(strings.Join(parts, str(a[1])))
	}))
	add(fixed("to_utf8", types.Dynamic, s1, 1, 1, func(_ *Context, a []types.Value) types.Value {
		s := str(a[0])
		arr := make([]any, len(s))
		for i := 0; i < len(s); i++ {
			arr[i] = int64(s[i])
		}
		return types.NewDynamic(arr)
	}))
}

// toLower lower-cases without allocating when s has no upper-case ASCII.
func toLower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 || (c >= 'A' && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// substring(source, start[, length]) counts characters; a negative start
// counts from the end (Kusto docs: substring("123456", -2, 2) is "56").
func substring(_ *Context, a []types.Value) types.Value {
	if a[1].IsNull() || (len(a) > 2 && a[2].IsNull()) {
		return types.NewString("")
	}
	r := []rune(str(a[0]))
	start, _ := a[1].AsInt()
	end := int64(len(r))
	if len(a) > 2 {
		n, _ := a[2].AsInt()
		if n < 0 {
			return types.NewString("")
		}
		end = start + n
	}
	if start < 0 {
		start += int64(len(r))
		end += int64(len(r))
		if start < 0 {
			start = 0
		}
	}
	if end > int64(len(r)) {
		end = int64(len(r))
	}
	if start >= end {
		return types.NewString("")
	}
	return types.NewString(string(r[start:end]))
}

// split(source, delimiter[, index]) returns a dynamic array of strings; an
// index picks one element (negative counts from the end), still as an
// array; out of range gives an empty array.
func split(_ *Context, a []types.Value) types.Value {
	s, d := str(a[0]), str(a[1])
	var parts []string
	if d == "" {
		parts = []string{s}
	} else {
		parts = strings.Split(s, d)
	}
	arr := make([]any, len(parts))
	for i, p := range parts {
		arr[i] = p
	}
	if len(a) > 2 {
		if a[2].IsNull() {
			return types.NullOf(types.Dynamic)
		}
		i, _ := a[2].AsInt()
		if i < 0 {
			i += int64(len(arr))
		}
		if i < 0 || i >= int64(len(arr)) {
			return types.NewDynamic([]any{})
		}
		return types.NewDynamic([]any{arr[i]})
	}
	return types.NewDynamic(arr)
}

// indexOf(source, lookup[, start[, length[, occurrence]]]) in characters;
// -1 when not found; null for invalid start/length/occurrence.
func indexOf(_ *Context, a []types.Value) types.Value {
	src := []rune(str(a[0]))
	look := []rune(str(a[1]))
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
	if start < 0 { // a negative start counts from the end
		start = max(start+int64(len(src)), 0)
	}
	if length < -1 || occ <= 0 {
		return types.NullOf(types.Long)
	}
	if start > int64(len(src)) {
		return types.NewLong(-1)
	}
	// Kusto reads length+1 characters from start (the documented examples: indexof(
	// "abcdefgabcdefg", "cde", 1, 10, 2) is 9, indexof("abcdefg", "cde", 1, 2) is -1).
	end := int64(len(src))
	if length >= 0 && start+length+1 < end {
		end = start + length + 1
	}
	hay := string(src[start:end])
	needle := string(look)
	pos, from := -1, 0
	for n := int64(0); n < occ; n++ {
		i := strings.Index(hay[from:], needle)
		if i < 0 {
			return types.NewLong(-1)
		}
		pos = from + i
		from = pos + max(len(needle), 1)
		if from > len(hay) && n+1 < occ {
			return types.NewLong(-1)
		}
	}
	return types.NewLong(start + int64(utf8.RuneCountInString(hay[:pos])))
}

// countOf(text, search[, kind]): "normal" counts overlapping matches,
// "regex" counts regex matches.
func countOf(_ *Context, a []types.Value) types.Value {
	text, search := str(a[0]), str(a[1])
	if len(a) > 2 && str(a[2]) == "regex" {
		re, err := regexp.Compile(search)
		if err != nil {
			return types.NullOf(types.Long)
		}
		return types.NewLong(int64(len(re.FindAllStringIndex(text, -1))))
	}
	if search == "" {
		return types.NewLong(0)
	}
	n := 0
	for i := 0; ; {
		j := strings.Index(text[i:], search)
		if j < 0 {
			break
		}
		n++
		_, size := utf8.DecodeRuneInString(text[i+j:])
		i += j + size
	}
	return types.NewLong(int64(n))
}

func strrep(c *Context, a []types.Value) types.Value {
	n, ok := a[1].AsInt()
	if !ok || n < 0 {
		return types.NewString("")
	}
	if n > 1024 { // Kusto repeats at most 1024 times (strrep docs)
		n = 1024
	}
	delim := ""
	if len(a) > 2 {
		delim = str(a[2])
	}
	if n > 0 { // n <= 1024: the product cannot overflow
		c.needString(int64(len(str(a[0])))*n + int64(len(delim))*(n-1))
	}
	parts := make([]string, n)
	for i := range parts {
		parts[i] = str(a[0])
	}
	return types.NewString(strings.Join(parts, delim))
}

// translate(searchList, replacementList, source): each character of
// searchList maps to the character at the same position in
// replacementList (the last one when shorter; deleted when it is empty).
func translate(_ *Context, a []types.Value) types.Value {
	from, to := []rune(str(a[0])), []rune(str(a[1]))
	m := make(map[rune]int, len(from))
	for i, r := range from {
		if _, ok := m[r]; !ok {
			m[r] = i
		}
	}
	var b strings.Builder
	for _, r := range str(a[2]) {
		i, ok := m[r]
		switch {
		case !ok:
			b.WriteRune(r)
		case len(to) == 0:
		case i < len(to):
			b.WriteRune(to[i])
		default:
			b.WriteRune(to[len(to)-1])
		}
	}
	return types.NewString(b.String())
}

// textBytes is the size of the concatenation of a's texts, with sep between them.
func textBytes(a []types.Value, sep int64) int64 {
	var n int64
	for i, v := range a {
		if i > 0 {
			n += sep
		}
		if v.T == types.String || v.T == types.GUID {
			n += int64(len(v.S))
		} else {
			n += 32 // numbers, dates and small dynamics; big dynamics are formatted below
			if v.T == types.Dynamic {
				n += govern.DynamicBytes(v.D)
			}
		}
	}
	return n
}

// replaceBound is the largest result a regex replacement of text with rewrite can give:
// every position (empty matches included) replaced.
func replaceBound(text, rewrite string) int64 {
	return int64(len(text)) + int64(len(text)+1)*int64(len(rewrite))
}
