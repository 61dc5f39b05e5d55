package exec

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Compare orders two non-null values of comparable types: -1, 0 or 1. Numbers compare across
// int/long/real; strings compare ordinally (as Kusto's sort does); dynamic values compare by
// their scalar content, else by their JSON text.
func Compare(a, b types.Value) int {
	switch {
	case a.T == b.T:
		switch a.T {
		case types.Bool, types.Int, types.Long, types.DateTime, types.TimeSpan:
			return types.CompareInt(a.I, b.I)
		case types.Real, types.Decimal:
			return types.CompareFloat(a.F, b.F)
		case types.String, types.GUID:
			return strings.Compare(a.S, b.S)
		case types.Dynamic:
			return cmpDyn(a.D, b.D)
		}
		return 0
	case a.T.IsNumeric() && b.T.IsNumeric():
		if a.T.IsInteger() && b.T.IsInteger() {
			return types.CompareInt(a.I, b.I)
		}
		fa, _ := a.AsFloat()
		fb, _ := b.AsFloat()
		return types.CompareFloat(fa, fb)
	case a.T == types.Dynamic:
		return Compare(fromDyn(a.D), b)
	case b.T == types.Dynamic:
		return Compare(a, fromDyn(b.D))
	}
	return strings.Compare(types.FormatText(a), types.FormatText(b))
}

func fromDyn(d any) types.Value {
	switch x := d.(type) {
	case bool:
		return types.NewBool(x)
	case int64:
		return types.NewLong(x)
	case float64:
		return types.NewReal(x)
	case string:
		return types.NewString(x)
	}
	return types.NewString(types.DynamicJSON(d))
}

func cmpDyn(a, b any) int {
	va, vb := fromDyn(a), fromDyn(b)
	if va.T == types.Dynamic || vb.T == types.Dynamic {
		return strings.Compare(types.DynamicJSON(a), types.DynamicJSON(b))
	}
	return Compare(va, vb)
}
