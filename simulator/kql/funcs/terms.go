package funcs

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

// TermMatcher evaluates `has_any` / `has_all` against a fixed list of
// terms (the usual case: a constant list or an IOC array) in one pass
// over the text: the text is split into terms (maximal runs of ASCII
// letters and digits) and each is looked up, lower-cased in a stack
// buffer, in a set. Needles that are not one plain term ("foo.bar",
// "-enc") and non-ASCII text fall back to Has.
type TermMatcher struct {
	single map[string]int // lower-cased plain-term needle → bit index
	other  []string       // needles that need the general Has
	count  int            // distinct needles (has_all needs them all)
}

const maxTermLen = 128

// NewTermMatcher builds a matcher for the terms of an already expanded
// list (see ExpandList); empty needles are ignored, as Kusto does.
func NewTermMatcher(terms []types.Value) *TermMatcher {
	m := &TermMatcher{single: map[string]int{}}
	seen := map[string]bool{}
	for _, t := range terms {
		s := str(t)
		if s == "" {
			continue
		}
		low := toLower(s)
		if seen[low] {
			continue
		}
		seen[low] = true
		m.count++
		if plainTerm(low) {
			m.single[low] = len(m.single)
		} else {
			m.other = append(m.other, s)
		}
	}
	return m
}

func plainTerm(s string) bool {
	if len(s) > maxTermLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTermByte(s[i]) {
			return false
		}
	}
	return true
}

// Any reports whether s has at least one of the terms (`has_any`).
func (m *TermMatcher) Any(s string) bool {
	if !isASCII(s) || len(m.single) > 64 {
		return m.slow(s, false)
	}
	found := false
	m.scan(s, func(int) bool { found = true; return false })
	if found {
		return true
	}
	for _, o := range m.other {
		if Has(s, o) {
			return true
		}
	}
	return false
}

// All reports whether s has every term (`has_all`).
func (m *TermMatcher) All(s string) bool {
	if m.count == 0 {
		return true
	}
	if !isASCII(s) || len(m.single) > 64 {
		return m.slow(s, true)
	}
	var seen uint64
	n := 0
	m.scan(s, func(bit int) bool {
		if seen&(1<<bit) == 0 {
			seen |= 1 << bit
			n++
		}
		return n < len(m.single)
	})
	if n < len(m.single) {
		return false
	}
	for _, o := range m.other {
		if !Has(s, o) {
			return false
		}
	}
	return true
}

// scan calls hit with the bit of each needle term found in s until hit
// returns false.
func (m *TermMatcher) scan(s string, hit func(bit int) bool) {
	var buf [maxTermLen]byte
	for i := 0; i < len(s); {
		if !isTermByte(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isTermByte(s[j]) {
			j++
		}
		if j-i <= maxTermLen {
			for k := i; k < j; k++ {
				buf[k-i] = lower(s[k])
			}
			if bit, ok := m.single[string(buf[:j-i])]; ok && !hit(bit) {
				return
			}
		}
		i = j
	}
}

func (m *TermMatcher) slow(s string, all bool) bool {
	for t := range m.single {
		if Has(s, t) != all {
			return !all
		}
	}
	for _, o := range m.other {
		if Has(s, o) != all {
			return !all
		}
	}
	return all
}
