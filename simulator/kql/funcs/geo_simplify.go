package funcs

import (
	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Douglas-Peucker simplification on the sphere: a vertex is kept when it
// lies farther than the tolerance (meters, default 10) from the geodesic
// between the kept vertices around it. A result that collapses (a line
// shorter than the tolerance, a ring with fewer than 3 vertices) is null.

func registerGeoSimplify(add func(*Func)) {
	add(fixed("geo_line_simplify", types.Dynamic, []kind{kDyn, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		t, c, ok := shapeOf(a[0])
		tol, ok2 := simplifyTolerance(a)
		if _, valid := linesOf(a[0]); !ok || !ok2 || !valid {
			return nullDyn
		}
		simplifyLine := func(path []any) ([]any, bool) {
			out := simplifyPath(path, tol)
			first, _, _ := coordPoint(out[0])
			last, _, _ := coordPoint(out[len(out)-1])
			if len(out) == 2 && first.Distance(last).Radians()*earthRadius <= tol {
				return nil, false
			}
			return out, true
		}
		if t == "LineString" {
			out, ok := simplifyLine(c.([]any))
			if !ok {
				return nullDyn
			}
			return types.NewDynamic(map[string]any{"type": t, "coordinates": out})
		}
		var lines []any
		for _, l := range c.([]any) {
			out, ok := simplifyLine(l.([]any))
			if !ok {
				return nullDyn
			}
			lines = append(lines, out)
		}
		return types.NewDynamic(map[string]any{"type": t, "coordinates": lines})
	}))
	add(fixed("geo_polygon_simplify", types.Dynamic, []kind{kDyn, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		t, c, ok := shapeOf(a[0])
		tol, ok2 := simplifyTolerance(a)
		if _, valid := polygonsOf(a[0]); !ok || !ok2 || !valid {
			return nullDyn
		}
		polys := []any{c}
		if t == "MultiPolygon" {
			polys = c.([]any)
		}
		var out []any
		for _, p := range polys {
			var rings []any
			for _, r := range p.([]any) {
				s := simplifyPath(r.([]any), tol)
				if len(s) < 4 {
					return nullDyn
				}
				rings = append(rings, s)
			}
			out = append(out, rings)
		}
		if t == "Polygon" {
			return types.NewDynamic(map[string]any{"type": t, "coordinates": out[0]})
		}
		return types.NewDynamic(map[string]any{"type": t, "coordinates": out})
	}))
}

// simplifyTolerance reads the optional tolerance in meters (default 10).
func simplifyTolerance(a []types.Value) (float64, bool) {
	if len(a) < 2 || (a[1].IsNull() && a[1].T != types.Dynamic) {
		return 10, true
	}
	t, ok := num(a[1])
	return t, ok && t >= 0
}

// simplifyPath keeps the first and last positions of path and the ones
// Douglas-Peucker needs between them; a closed ring is first split at the
// vertex farthest from its start.
func simplifyPath(path []any, tol float64) []any {
	pts := make([]s2geo.Point, len(path))
	for i, p := range path {
		pts[i], _, _ = coordPoint(p)
	}
	keep := make([]bool, len(pts))
	keep[0], keep[len(pts)-1] = true, true
	var dp func(i, j int)
	dp = func(i, j int) {
		far, farD := -1, tol/earthRadius
		for k := i + 1; k < j; k++ {
			var d float64
			if pts[i] == pts[j] {
				d = pts[k].Distance(pts[i]).Radians()
			} else {
				d = s2geo.DistanceFromSegment(pts[k], pts[i], pts[j]).Radians()
			}
			if d > farD {
				far, farD = k, d
			}
		}
		if far >= 0 {
			keep[far] = true
			dp(i, far)
			dp(far, j)
		}
	}
	dp(0, len(pts)-1)
	var out []any
	for i, k := range keep {
		if k {
			out = append(out, path[i])
		}
	}
	return out
}
