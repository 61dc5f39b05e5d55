package funcs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Case-insensitive matching without allocation for ASCII text; non-ASCII
// text falls back to Unicode simple case folding.

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// indexFold returns the first byte index of sub in s ignoring case, or -1.
func indexFold(s, sub string) int {
	return indexFoldFrom(s, sub, 0)
}

func indexFoldFrom(s, sub string, from int) int {
	n := len(sub)
	if n == 0 {
		return from
	}
	if !isASCII(sub) {
		return indexFoldUnicode(s, sub, from)
	}
	c0 := lower(sub[0])
	u0 := c0
	if c0 >= 'a' && c0 <= 'z' {
		u0 = c0 - 'a' + 'A'
	}
	for i := from; i+n <= len(s); i++ {
		c := s[i]
		if c != c0 && c != u0 {
			// Skip ahead to the next candidate first byte.
			j := indexEitherByte(s[i+1:], c0, u0)
			if j < 0 {
				return -1
			}
			i += j // loop's i++ lands on the candidate
			continue
		}
		if hasPrefixFoldASCII(s[i:], sub) {
			return i
		}
		if s[i] >= 0x80 {
			return indexFoldUnicode(s, sub, from)
		}
	}
	return -1
}

func indexEitherByte(s string, a, b byte) int {
	if a == b {
		return strings.IndexByte(s, a)
	}
	i := strings.IndexByte(s, a)
	j := strings.IndexByte(s, b)
	switch {
	case i < 0:
		return j
	case j < 0:
		return i
	}
	return min(i, j)
}

// hasPrefixFoldASCII reports whether s starts with the ASCII string p
// ignoring ASCII case.
func hasPrefixFoldASCII(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		if s[i] != p[i] && lower(s[i]) != lower(p[i]) {
			return false
		}
	}
	return true
}

func indexFoldUnicode(s, sub string, from int) int {
	for i := from; i < len(s); {
		if hasPrefixFold(s[i:], sub) {
			return i
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return -1
}

// hasPrefixFold reports whether s starts with p ignoring case (Unicode).
func hasPrefixFold(s, p string) bool {
	if isASCII(p) {
		return hasPrefixFoldASCII(s, p)
	}
	for p != "" {
		if s == "" {
			return false
		}
		r1, n1 := utf8.DecodeRuneInString(s)
		r2, n2 := utf8.DecodeRuneInString(p)
		if r1 != r2 && unicode.ToLower(r1) != unicode.ToLower(r2) {
			return false
		}
		s, p = s[n1:], p[n2:]
	}
	return true
}

func hasSuffixFold(s, p string) bool {
	if len(p) > len(s) {
		return false
	}
	if isASCII(p) {
		return hasPrefixFoldASCII(s[len(s)-len(p):], p)
	}
	return strings.HasSuffix(strings.ToLower(s), strings.ToLower(p))
}

// isTermChar reports whether the rune at s[i] belongs to a term: Kusto's
// term index breaks text into runs of alphanumeric characters (ASCII
// letters and digits; other Unicode letters and digits count as term
// characters too).
func isTermByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func termCharBefore(s string, i int) bool {
	if i <= 0 {
		return false
	}
	c := s[i-1]
	if c < utf8.RuneSelf {
		return isTermByte(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func termCharAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	if c < utf8.RuneSelf {
		return isTermByte(c)
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// hasTerm implements `has`: needle occurs in s as whole terms, i.e. the
// match is not preceded by a term character when needle starts with one
// and not followed by one when needle ends with one. Needles with
// punctuation (`has "foo.bar"`) thus match the phrase of terms. An empty
// needle matches nothing but the empty string... Kusto: `has ""` is true
// only when s is empty is not documented; we follow `contains` and return true.
func hasTerm(s, needle string, fold, wantPrefixBoundary, wantSuffixBoundary bool) bool {
	if needle == "" {
		return true
	}
	checkLeft := wantPrefixBoundary && termCharAt(needle, 0)
	checkRight := wantSuffixBoundary && termCharBefore(needle, len(needle))
	for from := 0; from <= len(s)-len(needle); {
		var i int
		if fold {
			i = indexFoldFrom(s, needle, from)
		} else {
			i = strings.Index(s[from:], needle)
			if i >= 0 {
				i += from
			}
		}
		if i < 0 {
			return false
		}
		end := i + len(needle)
		if (!checkLeft || !termCharBefore(s, i)) && (!checkRight || !termCharAt(s, end)) {
			return true
		}
		from = i + 1
	}
	return false
}

// Has implements `s has term` (case-insensitive whole-term match).
func Has(s, term string) bool { return hasTerm(s, term, true, true, true) }

// HasCS implements `has_cs`.
func HasCS(s, term string) bool { return hasTerm(s, term, false, true, true) }

// HasPrefix implements `hasprefix`: some term of s starts with prefix.
func HasPrefix(s, prefix string) bool { return hasTerm(s, prefix, true, true, false) }

// HasPrefixCS implements `hasprefix_cs`.
func HasPrefixCS(s, prefix string) bool { return hasTerm(s, prefix, false, true, false) }

// HasSuffix implements `hassuffix`: some term of s ends with suffix.
func HasSuffix(s, suffix string) bool { return hasTerm(s, suffix, true, false, true) }

// HasSuffixCS implements `hassuffix_cs`.
func HasSuffixCS(s, suffix string) bool { return hasTerm(s, suffix, false, false, true) }

// Contains implements `contains` (case-insensitive substring).
func Contains(s, sub string) bool { return indexFold(s, sub) >= 0 }

// ContainsCS implements `contains_cs`.
func ContainsCS(s, sub string) bool { return strings.Contains(s, sub) }

// StartsWith implements `startswith` (case-insensitive).
func StartsWith(s, prefix string) bool { return hasPrefixFold(s, prefix) }

// StartsWithCS implements `startswith_cs`.
func StartsWithCS(s, prefix string) bool { return strings.HasPrefix(s, prefix) }

// EndsWith implements `endswith` (case-insensitive).
func EndsWith(s, suffix string) bool { return hasSuffixFold(s, suffix) }

// EndsWithCS implements `endswith_cs`.
func EndsWithCS(s, suffix string) bool { return strings.HasSuffix(s, suffix) }
