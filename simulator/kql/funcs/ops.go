package funcs

import (
	"regexp"

	"github.com/soclab/soclab/simulator/kql/types"
)

// StringOp is a Kusto string predicate operator (`has`, `contains`,
// `startswith`...), without its negation.
type StringOp uint8

// The string predicate operators.
const (
	OpHas StringOp = iota
	OpHasCS
	OpHasPrefix
	OpHasPrefixCS
	OpHasSuffix
	OpHasSuffixCS
	OpContains
	OpContainsCS
	OpStartsWith
	OpStartsWithCS
	OpEndsWith
	OpEndsWithCS
	OpEqualFold // =~
	OpEqualCS   // == on strings
)

// StringOperator describes one operator token: `!contains_cs` is
// {Op: OpContainsCS, Negated: true}.
type StringOperator struct {
	Op      StringOp
	Negated bool
}

var stringOpNames = map[string]StringOp{
	"has": OpHas, "has_cs": OpHasCS, "hasprefix": OpHasPrefix, "hasprefix_cs": OpHasPrefixCS,
	"hassuffix": OpHasSuffix, "hassuffix_cs": OpHasSuffixCS, "contains": OpContains,
	"contains_cs": OpContainsCS, "startswith": OpStartsWith, "startswith_cs": OpStartsWithCS,
	"endswith": OpEndsWith, "endswith_cs": OpEndsWithCS, "=~": OpEqualFold,
}

// LookupStringOperator maps an operator token (`has`, `!has`,
// `contains_cs`, `!startswith`, `=~`, `!~`...) to its operator.
func LookupStringOperator(token string) (StringOperator, bool) {
	switch token {
	case "!~":
		return StringOperator{Op: OpEqualFold, Negated: true}, true
	case "!contains", "notcontains":
		return StringOperator{Op: OpContains, Negated: true}, true
	case "!contains_cs", "notcontainscs":
		return StringOperator{Op: OpContainsCS, Negated: true}, true
	case "containscs":
		return StringOperator{Op: OpContainsCS}, true
	}
	if len(token) > 1 && token[0] == '!' {
		op, ok := stringOpNames[token[1:]]
		return StringOperator{Op: op, Negated: true}, ok
	}
	op, ok := stringOpNames[token]
	return StringOperator{Op: op}, ok
}

// MatchString applies a string operator to two strings.
func MatchString(op StringOp, s, pattern string) bool {
	switch op {
	case OpHas:
		return Has(s, pattern)
	case OpHasCS:
		return HasCS(s, pattern)
	case OpHasPrefix:
		return HasPrefix(s, pattern)
	case OpHasPrefixCS:
		return HasPrefixCS(s, pattern)
	case OpHasSuffix:
		return HasSuffix(s, pattern)
	case OpHasSuffixCS:
		return HasSuffixCS(s, pattern)
	case OpContains:
		return Contains(s, pattern)
	case OpContainsCS:
		return ContainsCS(s, pattern)
	case OpStartsWith:
		return StartsWith(s, pattern)
	case OpStartsWithCS:
		return StartsWithCS(s, pattern)
	case OpEndsWith:
		return EndsWith(s, pattern)
	case OpEndsWithCS:
		return EndsWithCS(s, pattern)
	case OpEqualFold:
		return types.EqualFoldString(s, pattern)
	case OpEqualCS:
		return s == pattern
	}
	return false
}

// Match applies a string operator to two values, as `where` sees it: the
// operands are taken as text (tostring), and the negated forms are the
// complement (so a null left side with `!has` is true, as in Kusto where
// null strings are empty).
func (o StringOperator) Match(left, right types.Value) bool {
	return MatchString(o.Op, str(left), str(right)) != o.Negated
}

// MatchesRegex implements `s matches regex re` (RE2 syntax; Go's regexp).
func MatchesRegex(re *regexp.Regexp, s types.Value) bool {
	return re.MatchString(str(s))
}

// In implements `v in (list)`: list elements that are dynamic arrays are
// expanded (Kusto's `in (dynamic([...]))`), equality is Kusto's `==`.
func In(v types.Value, list []types.Value) bool {
	for _, e := range list {
		if e.T == types.Dynamic {
			if arr, ok := e.D.([]any); ok {
				for _, x := range arr {
					if types.Equal(v, types.FromDynamic(types.NewDynamic(x))) {
						return true
					}
				}
				continue
			}
		}
		if types.Equal(v, e) {
			return true
		}
	}
	return false
}

// InFold implements `in~` (case-insensitive text equality).
func InFold(v types.Value, list []types.Value) bool {
	if v.IsNull() {
		return false
	}
	s := str(v)
	for _, e := range list {
		if e.T == types.Dynamic {
			if arr, ok := e.D.([]any); ok {
				for _, x := range arr {
					if x != nil && types.EqualFoldString(s, str(types.NewDynamic(x))) {
						return true
					}
				}
				continue
			}
		}
		if !e.IsNull() && types.EqualFoldString(s, str(e)) {
			return true
		}
	}
	return false
}

// ExpandList flattens the right side of in/has_any/has_all: dynamic
// arrays become their elements. K3 can call it once for constant lists.
func ExpandList(list []types.Value) []types.Value {
	out := make([]types.Value, 0, len(list))
	for _, e := range list {
		if e.T == types.Dynamic {
			if arr, ok := e.D.([]any); ok {
				for _, x := range arr {
					out = append(out, types.FromDynamic(types.NewDynamic(x)))
				}
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// HasAny implements `s has_any (terms)` over an expanded list.
func HasAny(s types.Value, terms []types.Value) bool {
	text := str(s)
	for _, t := range terms {
		if Has(text, str(t)) {
			return true
		}
	}
	return false
}

// HasAll implements `s has_all (terms)` over an expanded list.
func HasAll(s types.Value, terms []types.Value) bool {
	text := str(s)
	for _, t := range terms {
		if !Has(text, str(t)) {
			return false
		}
	}
	return true
}

// Between implements `v between (lo .. hi)` (inclusive). For a datetime
// value with a timespan hi, hi is lo + hi (`between (t .. 1d)`). Null
// gives false.
func Between(v, lo, hi types.Value) bool {
	if hi.T == types.TimeSpan && (lo.T == types.DateTime || lo.T == types.TimeSpan) && v.T == lo.T && lo.T == types.DateTime {
		hi = types.Arith(types.OpAdd, lo, hi)
	}
	c1, ok1 := types.Compare(v, lo)
	c2, ok2 := types.Compare(v, hi)
	return ok1 && ok2 && c1 >= 0 && c2 <= 0
}

// CompareValue evaluates `a op b` as a bool value with Kusto's null rules
// (Kusto docs, "Null values"): null == null and null != null are
// bool(null); null == x is false and null != x is true for non-null x;
// an ordering comparison with a null is bool(null). Strings are never
// null. Use it where the result is a column (extend, project); `where`
// can use CompareValues, which treats null as false.
func CompareValue(op CompareOp, a, b types.Value) types.Value {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return types.NullOf(types.Bool)
	case (an || bn) && (op == CmpEq || op == CmpNe):
		return types.NewBool(op == CmpNe)
	case an || bn:
		return types.NullOf(types.Bool)
	}
	return types.NewBool(CompareValues(op, a, b))
}

// CompareOp is an ordering or equality operator.
type CompareOp uint8

// Comparison operators.
const (
	CmpEq CompareOp = iota
	CmpNe
	CmpLt
	CmpLe
	CmpGt
	CmpGe
)

// CompareValues evaluates `a op b` as `where` uses it: true only when
// CompareValue gives bool(true).
func CompareValues(op CompareOp, a, b types.Value) bool {
	switch op {
	case CmpEq:
		return types.Equal(a, b)
	case CmpNe:
		if a.IsNull() {
			return !b.IsNull()
		}
		return !types.Equal(a, b)
	}
	c, ok := types.Compare(a, b)
	if !ok {
		return false
	}
	switch op {
	case CmpLt:
		return c < 0
	case CmpLe:
		return c <= 0
	case CmpGt:
		return c > 0
	}
	return c >= 0
}

// And implements `a and b` with three-valued logic: false wins over
// null, null and true is null.
func And(a, b types.Value) types.Value {
	af, bf := isFalse(a), isFalse(b)
	switch {
	case af || bf:
		return types.NewBool(false)
	case a.IsNull() || b.IsNull():
		return types.NullOf(types.Bool)
	}
	return types.NewBool(true)
}

// Or implements `a or b` with three-valued logic: true wins over null,
// null or false is null.
func Or(a, b types.Value) types.Value {
	at, bt := isTrue(a), isTrue(b)
	switch {
	case at || bt:
		return types.NewBool(true)
	case a.IsNull() || b.IsNull():
		return types.NullOf(types.Bool)
	}
	return types.NewBool(false)
}

func isTrue(v types.Value) bool {
	b := types.Convert(v, types.Bool)
	return !b.IsNull() && b.I != 0
}

func isFalse(v types.Value) bool {
	b := types.Convert(v, types.Bool)
	return !b.IsNull() && b.I == 0
}
