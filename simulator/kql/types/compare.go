package types

import (
	"math"
	"strconv"
	"strings"
)

// Implicit conversions in comparisons.
//
// Kusto's own analyzer (Kusto.Language, src/Kusto.Language/Operators.cs)
// types `==`/`!=` as (any non-bool scalar) == (any scalar), so
// `where ResultType == 0` over the string column ResultType is accepted,
// and Microsoft's shipped Sentinel/Defender content relies on it (7
// queries of the sentinel-queries corpus in /work/shared/conformance use
// `ResultType == 0`, one `ResultType != 0`, two `ResultType == 50057`-style
// numbers). The ordering operators `<`, `<=`, `>`, `>=` have no string
// signature: a string against a number is the semantic error "Cannot
// compare values of types string and long. Try adding explicit casts"
// (reported in microsoft/BCTech issue #24 for `>`); see ComparisonError.
//
// At run time a string compared for equality with a number is compared as
// text: the number is rendered with tostring() and the two strings are
// compared ordinally. So ResultType == 0 matches "0" (and only "0", not
// "00"), and ResultType != 0 matches every other code. Numbers of
// different kinds compare numerically (1 == 1.0), a dynamic value is
// unwrapped to its scalar first, a guid equals a string holding the same
// guid in any case, and null is equal to nothing. Kusto's docs ("Null
// values") make null == null and null != null bool(null), null == x false
// and null != x true: Equal returns false for every null; the tri-state
// result is funcs.CompareValue.

// Equal implements Kusto's `==` with the implicit conversions above.
func Equal(a, b Value) bool {
	if a.T == b.T && !a.Null && !b.Null {
		switch a.T {
		case String:
			return a.S == b.S
		case Int, Long, Bool, DateTime, TimeSpan:
			return a.I == b.I
		case Real, Decimal:
			return a.F == b.F
		case GUID:
			return a.S == b.S
		case Dynamic:
			return DynamicEqual(a.D, b.D)
		}
	}
	return equalSlow(a, b)
}

func equalSlow(a, b Value) bool {
	if a.IsNull() || b.IsNull() {
		return false
	}
	if a.T == Dynamic {
		a = FromDynamic(a)
	}
	if b.T == Dynamic {
		b = FromDynamic(b)
	}
	if a.T == Dynamic || b.T == Dynamic {
		if a.T == b.T {
			return DynamicEqual(a.D, b.D)
		}
		return false
	}
	switch {
	case a.T == b.T:
		return Equal(a, b)
	case isNumberOrBool(a.T) && isNumberOrBool(b.T):
		return numCompare(a, b) == 0
	case a.T == String && isNumberOrBool(b.T):
		return textEqualsNumber(a.S, b)
	case b.T == String && isNumberOrBool(a.T):
		return textEqualsNumber(b.S, a)
	case a.T == GUID && b.T == String:
		g, ok := ParseGUID(b.S)
		return ok && g == a.S
	case a.T == String && b.T == GUID:
		g, ok := ParseGUID(a.S)
		return ok && g == b.S
	case a.T == String || b.T == String:
		// datetime/timespan vs string: compare the text forms.
		return FormatText(a) == FormatText(b)
	}
	return false
}

// textEqualsNumber compares s with tostring(n) without allocating for integers.
func textEqualsNumber(s string, n Value) bool {
	if n.T == Int || n.T == Long {
		var buf [24]byte
		return string(strconv.AppendInt(buf[:0], n.I, 10)) == s
	}
	return s == FormatText(n)
}

func isNumberOrBool(t Type) bool { return t.IsNumeric() || t == Bool }

// numCompare orders two numeric values exactly when both are integers.
func numCompare(a, b Value) int {
	if (a.T == Int || a.T == Long || a.T == Bool) && (b.T == Int || b.T == Long || b.T == Bool) {
		return CompareInt(a.I, b.I)
	}
	fa, _ := a.AsFloat()
	fb, _ := b.AsFloat()
	return CompareFloat(fa, fb)
}

// CompareInt orders two integers: -1, 0 or 1.
func CompareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CompareFloat orders two reals: -1, 0 or 1, with NaN before every number, so sorting is total
// (as .NET's double comparison does).
func CompareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case a == b:
		return 0
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return -1
	}
	return 1
}

// EqualFold implements `=~`: equality of the text forms ignoring case
// (ASCII fast path; Unicode simple folding otherwise). Null is equal to nothing.
func EqualFold(a, b Value) bool {
	if a.IsNull() || b.IsNull() {
		return false
	}
	as, bs := a.S, b.S
	if a.T != String {
		as = FormatText(a)
	}
	if b.T != String {
		bs = FormatText(b)
	}
	return EqualFoldString(as, bs)
}

// EqualFoldString compares two strings ignoring case without allocating.
func EqualFoldString(a, b string) bool {
	if len(a) != len(b) {
		return strings.EqualFold(a, b)
	}
	for i := 0; i < len(a); i++ {
		ca, cb := a[i], b[i]
		if ca == cb {
			continue
		}
		if ca >= 0x80 || cb >= 0x80 {
			return strings.EqualFold(a[i:], b[i:])
		}
		if lowerASCII(ca) != lowerASCII(cb) {
			return false
		}
	}
	return true
}

// Compare implements the ordering operators (<, <=, >, >=): it returns
// -1, 0 or 1, and ok=false when either side is null or the values cannot be
// ordered (then every ordering comparison is false, as in Kusto).
func Compare(a, b Value) (int, bool) {
	if a.IsNull() || b.IsNull() {
		return 0, false
	}
	if a.T == Dynamic {
		a = FromDynamic(a)
	}
	if b.T == Dynamic {
		b = FromDynamic(b)
	}
	switch {
	case isNumberOrBool(a.T) && isNumberOrBool(b.T):
		if math.IsNaN(a.F) || math.IsNaN(b.F) {
			return 0, false
		}
		return numCompare(a, b), true
	case a.T == b.T:
		switch a.T {
		case DateTime, TimeSpan:
			return CompareInt(a.I, b.I), true
		case String, GUID:
			return strings.Compare(a.S, b.S), true
		}
	case a.T == DateTime && b.T == String:
		if t, ok := ParseDateTime(b.S); ok {
			return CompareInt(a.I, t), true
		}
	case a.T == String && b.T == DateTime:
		if t, ok := ParseDateTime(a.S); ok {
			return CompareInt(t, b.I), true
		}
	}
	return 0, false
}

// ComparisonError returns the Kusto semantic error for an ordering
// operator (<, <=, >, >=) over types that cannot be ordered, or "" when
// the comparison is allowed. Unknown (Null) types are always allowed.
//
// The allowed pairs follow Kusto.Language's LessThan/GreaterThan
// signatures: number or bool with number or bool, timespan with timespan,
// datetime with datetime, and anything with dynamic. Strings, guids and
// datetime against string cannot be ordered.
func ComparisonError(left, right Type) string {
	if left == Null || right == Null || left == Dynamic || right == Dynamic {
		return ""
	}
	if (isNumberOrBool(left) && isNumberOrBool(right)) ||
		(left == right && (left == DateTime || left == TimeSpan)) {
		return ""
	}
	return "Cannot compare values of types " + left.String() + " and " + right.String() + ". Try adding explicit casts"
}

// SortCompare is a total order for sorting one column: nulls (and the
// empty string) first, then values by Compare; values of different
// types (possible only in dynamic columns) order by type, then by text.
// Kusto's defaults follow from it: `asc` puts nulls first, `desc` last.
func SortCompare(a, b Value) int {
	an, bn := a.IsNull(), b.IsNull()
	switch {
	case an && bn:
		return 0
	case an:
		return -1
	case bn:
		return 1
	}
	if a.T == b.T {
		switch a.T {
		case String, GUID:
			return strings.Compare(a.S, b.S)
		case Int, Long, Bool, DateTime, TimeSpan:
			return CompareInt(a.I, b.I)
		case Real, Decimal:
			return CompareFloat(a.F, b.F)
		}
	}
	if a.T == Dynamic || b.T == Dynamic {
		a, b = FromDynamic(a), FromDynamic(b)
		if a.T == Dynamic || b.T == Dynamic {
			if a.T != b.T {
				return CompareInt(int64(a.T), int64(b.T))
			}
			return strings.Compare(FormatText(a), FormatText(b))
		}
	}
	if isNumberOrBool(a.T) && isNumberOrBool(b.T) {
		return numCompare(a, b)
	}
	if a.T != b.T {
		return CompareInt(int64(a.T), int64(b.T))
	}
	return SortCompare(a, b)
}

// DynamicEqual compares two dynamic trees deeply; numbers compare by value
// (1 equals 1.0).
func DynamicEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case string:
		y, ok := b.(string)
		return ok && x == y
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
		return false
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !DynamicEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !DynamicEqual(v, w) {
				return false
			}
		}
		return true
	}
	return false
}
