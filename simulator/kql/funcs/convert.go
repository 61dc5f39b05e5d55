package funcs

import (
	"github.com/soclab/soclab/simulator/kql/types"
)

func converter(name string, t types.Type) *Func {
	return fixed(name, t, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.Convert(a[0], t)
	})
}

func registerConvert(add func(*Func)) {
	add(converter("tostring", types.String))
	add(converter("toint", types.Int))
	add(converter("tolong", types.Long))
	add(converter("toreal", types.Real))
	add(converter("todouble", types.Real))
	add(converter("tobool", types.Bool))
	add(converter("toboolean", types.Bool))
	add(converter("todatetime", types.DateTime))
	add(converter("totimespan", types.TimeSpan))
	add(converter("toguid", types.GUID))
	add(converter("todecimal", types.Decimal))
	add(converter("todynamic", types.Dynamic))
	add(converter("parse_json", types.Dynamic))
	add(converter("toobject", types.Dynamic))
	// gettype() reports the run-time type; for dynamic values the JSON kind
	// ("array", "dictionary", "long", "string"...).
	add(fixed("gettype", types.String, sAny, 1, 1, func(_ *Context, a []types.Value) types.Value {
		return types.NewString(TypeName(a[0]))
	}))
}

// TypeName is gettype()'s answer for a value.
func TypeName(v types.Value) string {
	switch {
	case v.T == types.Dynamic:
		if v.Null {
			return "null"
		}
		return types.DynamicTypeName(v.D)
	case v.T == types.Null:
		return "null"
	case v.T == types.Int:
		return "int"
	}
	return v.T.String()
}
