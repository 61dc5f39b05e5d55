package funcs

import (
	"math"

	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Points on lines and polygons: closest points, interpolation, location,
// densification.

func registerGeoLines(add func(*Func)) {
	pointAndShape := []kind{kNum, kNum, kDyn}
	add(fixed("geo_closest_point_on_line", types.Dynamic, pointAndShape, 3, 3, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		lines, ok2 := linesOf(a[2])
		if !ok1 || !ok2 {
			return nullDyn
		}
		best, bestD := s2geo.Point{}, math.Inf(1)
		for _, l := range lines {
			for i := 0; i+1 < len(l); i++ {
				q := s2geo.Project(p, l[i], l[i+1])
				if d := p.Distance(q).Radians(); d < bestD {
					best, bestD = q, d
				}
			}
		}
		return types.NewDynamic(pointJSON(pointLngLat(best)))
	}))
	add(fixed("geo_closest_point_on_polygon", types.Dynamic, pointAndShape, 3, 3, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		polys, ok2 := polygonsOf(a[2])
		if !ok1 || !ok2 {
			return nullDyn
		}
		best, bestD := s2geo.Point{}, math.Inf(1)
		for _, poly := range polys {
			if poly.contains(p) {
				return types.NewDynamic(pointJSON(pointLngLat(p)))
			}
			for _, l := range poly.loops() {
				for i := 0; i < l.NumVertices(); i++ {
					q := s2geo.Project(p, l.Vertex(i), l.Vertex(i+1))
					if d := p.Distance(q).Radians(); d < bestD {
						best, bestD = q, d
					}
				}
			}
		}
		return types.NewDynamic(pointJSON(pointLngLat(best)))
	}))
	add(fixed("geo_line_interpolate_point", types.Dynamic, []kind{kDyn, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		lines, ok1 := linesOf(a[0])
		f, ok2 := num(a[1])
		if !ok1 || !ok2 || len(lines) != 1 || f < 0 || f > 1 {
			return nullDyn
		}
		pl := s2geo.Polyline(lines[0])
		p, _ := pl.Interpolate(f)
		return types.NewDynamic(pointJSON(pointLngLat(p)))
	}))
	add(fixed("geo_line_locate_point", types.Real, []kind{kDyn, kNum, kNum}, 3, 3, func(_ *Context, a []types.Value) types.Value {
		lines, ok1 := linesOf(a[0])
		p, ok2 := argPoint(a, 1)
		if !ok1 || !ok2 || len(lines) != 1 {
			return nullReal
		}
		pl := s2geo.Polyline(lines[0])
		q, next := pl.Project(p)
		return types.NewReal(pl.Uninterpolate(q, next))
	}))
	add(fixed("geo_line_densify", types.Dynamic, []kind{kDyn, kNum, kNum}, 1, 3, func(_ *Context, a []types.Value) types.Value {
		t, c, ok := shapeOf(a[0])
		tol, ok2 := densifyTolerance(a)
		if !ok || !ok2 {
			return nullDyn
		}
		switch t {
		case "LineString":
			if _, ok := coordLine(c); !ok {
				return nullDyn
			}
			d := densifyPath(c.([]any), tol)
			if d == nil {
				return nullDyn
			}
			return types.NewDynamic(map[string]any{"type": t, "coordinates": d})
		case "MultiLineString":
			if _, ok := linesOf(a[0]); !ok {
				return nullDyn
			}
			var out []any
			for _, l := range c.([]any) {
				d := densifyPath(l.([]any), tol)
				if d == nil {
					return nullDyn
				}
				out = append(out, d)
			}
			return types.NewDynamic(map[string]any{"type": t, "coordinates": out})
		}
		return nullDyn
	}))
	add(fixed("geo_polygon_densify", types.Dynamic, []kind{kDyn, kNum, kNum}, 1, 3, func(_ *Context, a []types.Value) types.Value {
		t, c, ok := shapeOf(a[0])
		tol, ok2 := densifyTolerance(a)
		if !ok || !ok2 {
			return nullDyn
		}
		if _, ok := polygonsOf(a[0]); !ok {
			return nullDyn
		}
		tooLong := false
		densifyRings := func(rings any) []any {
			var out []any
			for _, r := range rings.([]any) {
				d := densifyPath(r.([]any), tol)
				tooLong = tooLong || d == nil
				out = append(out, d)
			}
			return out
		}
		var coords []any
		switch t {
		case "Polygon":
			coords = densifyRings(c)
		case "MultiPolygon":
			for _, p := range c.([]any) {
				coords = append(coords, densifyRings(p))
			}
		default:
			return nullDyn
		}
		if tooLong {
			return nullDyn
		}
		return types.NewDynamic(map[string]any{"type": t, "coordinates": coords})
	}))
}

// densifyTolerance reads the optional tolerance in meters (default 10 m,
// allowed 0.1 m to 10 km as the docs give).
func densifyTolerance(a []types.Value) (float64, bool) {
	if len(a) < 2 || (a[1].IsNull() && a[1].T != types.Dynamic) {
		return 10, true
	}
	t, ok := num(a[1])
	if !ok || t < 0.1 || t > 10000 {
		return 0, false
	}
	return t, true
}

// maxDensifyPoints bounds a densified path; longer results are null.
const maxDensifyPoints = 1 << 16

// densifyPath adds points on the straight lng/lat segments between
// vertices, halving each segment until its midpoint is within tol meters
// of the geodesic edge.
func densifyPath(path []any, tol float64) []any {
	out := []any{path[0]}
	for i := 0; i+1 < len(path); i++ {
		_, a, _ := coordPoint(path[i])
		_, b, _ := coordPoint(path[i+1])
		out = densifySegment(out, a, b, tol, 0)
		out = append(out, path[i+1])
	}
	if len(out) > maxDensifyPoints {
		return nil
	}
	return out
}

func densifySegment(out []any, a, b [2]float64, tol float64, depth int) []any {
	if depth > 20 || a == b || len(out) > maxDensifyPoints {
		return out
	}
	m := [2]float64{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
	pa := s2geo.PointFromLatLng(s2geo.LatLngFromDegrees(a[1], a[0]))
	pb := s2geo.PointFromLatLng(s2geo.LatLngFromDegrees(b[1], b[0]))
	pm := s2geo.PointFromLatLng(s2geo.LatLngFromDegrees(m[1], m[0]))
	if s2geo.DistanceFromSegment(pm, pa, pb).Radians()*earthRadius <= tol {
		return out
	}
	out = densifySegment(out, a, m, tol, depth+1)
	out = append(out, []any{m[0], m[1]})
	return densifySegment(out, m, b, tol, depth+1)
}
