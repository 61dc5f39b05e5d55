package analyze

import (
	"github.com/soclab/soclab/simulator/kql/ast"
	"github.com/soclab/soclab/simulator/kql/diag"
	"github.com/soclab/soclab/simulator/kql/exec"
	"github.com/soclab/soclab/simulator/kql/funcs"
	"github.com/soclab/soclab/simulator/kql/types"
)

// geoLookup is the geo_polygon_lookup / geo_line_lookup plugin:
//
//	geo_polygon_lookup(LookupTable, PolygonColumn, Longitude, Latitude [, radius] [, return_unmatched] [, return_lookup_key])
//	geo_line_lookup(LookupTable, LineColumn, Longitude, Latitude, radius [, return_unmatched] [, return_lookup_key])
//
// A point matches a polygon that contains it (or lies within radius
// meters of it) and a line within radius meters.
func (a *analyzer) geoLookup(sc *scope, in exec.Node, call *ast.CallExpr) exec.Node {
	name := call.Func.Name
	line := name == "geo_line_lookup"
	var positional []ast.Expr
	named := map[string]ast.Expr{}
	for _, arg := range call.Args {
		if ne, ok := arg.(*ast.NamedExpr); ok {
			named[ne.Name.Name] = ne.Value
			continue
		}
		positional = append(positional, arg)
	}
	for i, n := range []string{"radius", "return_unmatched", "return_lookup_key"} {
		if _, ok := named[n]; !ok && 4+i < len(positional) {
			named[n] = positional[4+i]
		}
	}
	if in == nil || len(positional) < 4 || (line && named["radius"] == nil) {
		fail(call, diag.CodeBadArgument, "'evaluate' operator: %s(LookupTable, ShapeColumn, Longitude, Latitude%s) needs an input and its arguments", name, map[bool]string{true: ", radius", false: ""}[line])
	}
	lookup := a.tabular(sc, positional[0])
	inCols, lkCols := in.Columns(), lookup.Columns()
	colOf := func(e ast.Expr, cols []exec.Column) int {
		id, ok := unparen(e).(*ast.Ident)
		if !ok || colIndex(cols, id.Name) < 0 {
			fail(e, diag.CodeUnknownName, "'evaluate' operator: Failed to resolve column or scalar expression named '%s'", autoName(e))
		}
		return colIndex(cols, id.Name)
	}
	g := &exec.GeoLookup{In: in, Lookup: lookup, Shape: colOf(positional[1], lkCols),
		Lng: colOf(positional[2], inCols), Lat: colOf(positional[3], inCols)}
	constArg := func(n string) (types.Value, bool) {
		e, ok := named[n]
		if !ok {
			return types.Value{}, false
		}
		v := a.scalarOp(sc, nil, e, "evaluate")
		if v.Const == nil {
			fail(e, diag.CodeBadArgument, "%s: the argument %s must be a constant", name, n)
		}
		return *v.Const, true
	}
	flag := func(n string) bool {
		v, ok := constArg(n)
		return ok && v.T == types.Bool && !v.IsNull() && v.I != 0
	}
	g.KeepUnmatched = flag("return_unmatched")
	returnKey := flag("return_lookup_key")
	radius := 0.0
	if v, ok := constArg("radius"); ok {
		f, isNum := types.FromDynamic(v).AsFloat()
		if !isNum || f < 0 {
			fail(named["radius"], diag.CodeBadArgument, "%s: radius must be a non-negative number of meters", name)
		}
		radius = f
	}
	fn := "geo_point_in_polygon"
	switch {
	case line:
		fn = "geo_distance_point_to_line"
	case radius > 0:
		fn = "geo_distance_point_to_polygon"
	}
	f, ok := a.reg.Lookup(fn)
	if !ok {
		fail(call, diag.CodeUnknownName, "'evaluate' operator: %s is not available", fn)
	}
	eval, err := f.Bind([]funcs.Arg{{T: types.Real}, {T: types.Real}, {T: types.Dynamic}})
	if err != nil {
		fail(call, diag.CodeBadArgument, "%s", err.Error())
	}
	g.Match = func(env *exec.Env, lng, lat, shape types.Value) bool {
		res := eval(env.Funcs, []types.Value{types.Convert(lng, types.Real), types.Convert(lat, types.Real), shape})
		if res.IsNull() {
			return false
		}
		if res.T == types.Bool {
			return res.I != 0
		}
		return res.F <= radius
	}
	taken := nameSet(inCols)
	g.Cols = append(g.Cols, inCols...)
	for i, c := range lkCols {
		if i == g.Shape && !returnKey {
			continue
		}
		n := uniqueName(c.Name, taken)
		taken[n] = true
		g.LookupCols = append(g.LookupCols, i)
		g.Cols = append(g.Cols, exec.Column{Name: n, Type: c.Type, Hidden: c.Hidden})
	}
	return g
}
