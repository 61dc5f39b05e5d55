package exec

import (
	"fmt"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

// coerce converts a value to a column's type with Kusto's to<type>() rules.
func coerce(v types.Value, t types.Type) types.Value {
	if t == types.Null {
		return v
	}
	return types.Convert(v, t)
}

// FromGo converts a Go value to a value of type t: time.Time (datetime), time.Duration
// (timespan), string, int/int32/int64, float64/float32, bool, nil (null), map[string]any or
// []any (dynamic). A string given for a non-string column is parsed as Kusto would (a datetime
// column accepts ISO-8601 text); a value that cannot be converted is an error.
func FromGo(x any, t types.Type) (types.Value, error) {
	var v types.Value
	switch g := x.(type) {
	case nil:
		return types.NullOf(t), nil
	case types.Value:
		v = g
	case time.Time:
		v = types.NewDateTime(g)
	case time.Duration:
		v = types.NewDuration(g)
	case string:
		if t == types.Dynamic {
			return types.NewDynamic(g), nil
		}
		v = types.NewString(g)
	case int:
		v = types.NewLong(int64(g))
	case int32:
		v = types.NewLong(int64(g))
	case int64:
		v = types.NewLong(g)
	case float64:
		v = types.NewReal(g)
	case float32:
		v = types.NewReal(float64(g))
	case bool:
		v = types.NewBool(g)
	case map[string]any, []any:
		d, err := normalizeDyn(g)
		if err != nil {
			return types.Value{}, err
		}
		v = types.NewDynamic(d)
	default:
		return types.Value{}, fmt.Errorf("unsupported Go value %T", x)
	}
	if v.T == t {
		return v, nil
	}
	if t == types.Int && v.T == types.Long {
		return types.NewInt(v.I), nil
	}
	out := coerce(v, t)
	if out.IsNull() && !v.IsNull() && t != types.String {
		return types.Value{}, fmt.Errorf("cannot convert %v to %s", x, t)
	}
	return out, nil
}

// normalizeDyn converts Go values inside a dynamic tree to the dynamic representation
// (int → int64, time.Time → ISO text...).
func normalizeDyn(x any) (any, error) {
	switch g := x.(type) {
	case nil, bool, int64, float64, string:
		return g, nil
	case int:
		return int64(g), nil
	case int32:
		return int64(g), nil
	case float32:
		return float64(g), nil
	case time.Time:
		return types.FormatDateTime(types.TimeToTicks(g)), nil
	case time.Duration:
		return types.FormatTimeSpan(int64(g) / 100), nil
	case []any:
		out := make([]any, len(g))
		for i, e := range g {
			n, err := normalizeDyn(e)
			if err != nil {
				return nil, err
			}
			out[i] = n
		}
		return out, nil
	case []string:
		out := make([]any, len(g))
		for i, e := range g {
			out[i] = e
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(g))
		for k, e := range g {
			n, err := normalizeDyn(e)
			if err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, nil
	case map[string]string:
		out := make(map[string]any, len(g))
		for k, e := range g {
			out[k] = e
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported Go value %T inside dynamic", x)
}
