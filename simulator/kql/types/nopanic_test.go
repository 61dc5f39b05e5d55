package types

import (
	"encoding/json"
	"math"
	"testing"
)

// TestNoPanicAcrossTypes runs every conversion, operator, comparison,
// key and formatting function over all pairs of awkward values; ToJSON's
// result must always encode as JSON.
func TestNoPanicAcrossTypes(t *testing.T) {
	samples := []Value{
		{}, NullOf(Long), NullOf(Real), NullOf(DateTime), NullOf(Dynamic), NullOf(GUID), NewString(""),
		NewString("12"), NewString("2025-01-15"), NewString("1d"), NewString("abc"),
		NewLong(0), NewLong(math.MaxInt64), NewLong(math.MinInt64), NewInt(-1), NewBool(true),
		NewReal(math.NaN()), NewReal(math.Inf(1)), NewReal(-0.5), NewDecimal(1e300),
		NewDateTimeTicks(MaxDateTimeTicks), NewDateTimeTicks(MinDateTimeTicks), NewTimeSpan(math.MinInt64),
		NewTimeSpan(math.MaxInt64), NewGUID("74be27de-1e4e-49d9-b579-fe0b331d3642"),
		NewDynamic([]any{math.NaN(), nil, map[string]any{"x": math.Inf(1)}}), NewDynamic(int64(5)), NewDynamic("s"),
	}
	all := []Type{Null, Bool, Int, Long, Real, Decimal, String, DateTime, TimeSpan, GUID, Dynamic}
	for _, a := range samples {
		if _, err := json.Marshal(ToJSON(a)); err != nil {
			t.Errorf("ToJSON(%+v) does not encode: %v", a, err)
		}
		FormatText(a)
		Hash(a)
		AppendKey(nil, a)
		Negate(a)
		for _, ty := range all {
			Convert(a, ty)
		}
		for _, b := range samples {
			Equal(a, b)
			EqualFold(a, b)
			Compare(a, b)
			SortCompare(a, b)
			for op := OpAdd; op <= OpMod; op++ {
				r := Arith(op, a, b)
				if _, err := json.Marshal(ToJSON(r)); err != nil {
					t.Errorf("ToJSON(%+v %v %+v) does not encode: %v", a, op, b, err)
				}
			}
		}
	}
	for _, l := range all {
		for _, r := range all {
			ComparisonError(l, r)
			for op := OpAdd; op <= OpMod; op++ {
				ArithType(op, l, r)
			}
		}
	}
}
