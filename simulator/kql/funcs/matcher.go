package funcs

import "github.com/soclab/soclab/simulator/kql/types"

// StringMatcher is a string operator with its constant right side prepared once, for the
// per-row hot path of `where col contains "x"`: the needle's case is folded and its ASCII-ness
// checked at compile time instead of on every row, and no row allocates. Its answers are
// those of MatchString / StringOperator.Match.
type StringMatcher struct {
	match   func(s string) bool
	negated bool
}

// NewStringMatcher prepares op with the constant pattern.
func NewStringMatcher(op StringOperator, pattern string) *StringMatcher {
	return &StringMatcher{match: prepareMatch(op.Op, pattern), negated: op.Negated}
}

// MatchString applies the operator to s (negated forms included).
func (m *StringMatcher) MatchString(s string) bool { return m.match(s) != m.negated }

// Match applies the operator to a value taken as text, as StringOperator.Match does.
func (m *StringMatcher) Match(v types.Value) bool { return m.match(str(v)) != m.negated }

func prepareMatch(op StringOp, pattern string) func(string) bool {
	if !isASCII(pattern) {
		return func(s string) bool { return MatchString(op, s, pattern) }
	}
	switch op {
	case OpContains:
		if pattern == "" {
			return func(string) bool { return true }
		}
		n := newFoldNeedle(pattern)
		return func(s string) bool { return n.index(s, 0) >= 0 }
	case OpHas, OpHasPrefix, OpHasSuffix:
		if pattern == "" {
			return func(string) bool { return true }
		}
		n := newFoldNeedle(pattern)
		checkLeft := op != OpHasSuffix && termCharAt(pattern, 0)
		checkRight := op != OpHasPrefix && termCharBefore(pattern, len(pattern))
		return func(s string) bool { return n.hasTerm(s, checkLeft, checkRight) }
	}
	return func(s string) bool { return MatchString(op, s, pattern) }
}

// foldNeedle is an ASCII needle for case-insensitive search: lower holds it in lower case,
// first/firstUpper the two forms of its first byte.
type foldNeedle struct {
	lower             string
	first, firstUpper byte
}

func newFoldNeedle(p string) foldNeedle {
	b := []byte(p)
	for i, c := range b {
		b[i] = lower(c)
	}
	n := foldNeedle{lower: string(b), first: b[0], firstUpper: b[0]}
	if b[0] >= 'a' && b[0] <= 'z' {
		n.firstUpper = b[0] - 'a' + 'A'
	}
	return n
}

// shortText is the length up to which a plain byte loop beats strings.IndexByte's setup.
const shortText = 64

// index returns the first index at or after from where s contains the needle ignoring ASCII
// case, or -1 (the same answers as indexFoldFrom for an ASCII needle).
func (n *foldNeedle) index(s string, from int) int {
	if len(s)-from > shortText {
		return indexFoldFrom(s, n.lower, from)
	}
	p := n.lower
	last := len(s) - len(p)
	for i := from; i <= last; i++ {
		if c := s[i]; c != n.first && c != n.firstUpper {
			continue
		}
		if tailFoldASCII(s[i+1:i+len(p)], p[1:]) {
			return i
		}
	}
	return -1
}

// tailFoldASCII reports whether s equals the lower-case ASCII string p ignoring ASCII case
// (len(s) == len(p)).
func tailFoldASCII(s, p string) bool {
	for j := 0; j < len(p); j++ {
		c, want := s[j], p[j]
		if c != want && (want < 'a' || want > 'z' || c != want-'a'+'A') {
			return false
		}
	}
	return true
}

// hasTerm is hasTerm(s, needle, true, ...) with the needle prepared.
func (n *foldNeedle) hasTerm(s string, checkLeft, checkRight bool) bool {
	for from := 0; from <= len(s)-len(n.lower); {
		i := n.index(s, from)
		if i < 0 {
			return false
		}
		end := i + len(n.lower)
		if (!checkLeft || !termCharBefore(s, i)) && (!checkRight || !termCharAt(s, end)) {
			return true
		}
		from = i + 1
	}
	return false
}
