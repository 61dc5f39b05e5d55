package funcs

import (
	"math"
	"sort"

	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Intersections of lines with lines and with polygons, as GeoJSON: an
// empty result is an empty GeometryCollection, one part is a Point or
// LineString, several are a MultiPoint or MultiLineString.

// onEdgeTolerance (radians, ~1 mm) decides that a point lies on an edge.
const onEdgeTolerance = 1.5e-10

func registerGeoIntersection(add func(*Func)) {
	d2 := []kind{kDyn, kDyn}
	add(fixed("geo_intersection_2lines", types.Dynamic, d2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		l1, ok1 := linesOf(a[0])
		l2, ok2 := linesOf(a[1])
		if !ok1 || !ok2 {
			return nullDyn
		}
		var points []s2geo.Point
		var segments [][2]s2geo.Point
		for _, x := range l1 {
			for _, y := range l2 {
				p, s := intersectPaths(x, y)
				points = append(points, p...)
				segments = append(segments, s...)
			}
		}
		return types.NewDynamic(intersectionJSON(points, mergeSegments(segments)))
	}))
	add(fixed("geo_intersection_line_with_polygon", types.Dynamic, d2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		lines, ok1 := linesOf(a[0])
		polys, ok2 := polygonsOf(a[1])
		if !ok1 || !ok2 {
			return nullDyn
		}
		var pieces [][]s2geo.Point
		for _, l := range lines {
			for _, p := range polys {
				pieces = append(pieces, clipLine(l, p)...)
			}
		}
		return types.NewDynamic(intersectionJSON(nil, pieces))
	}))
}

// intersectPaths returns the crossing points of two paths and the parts
// they share (edges on the same great circle that overlap).
func intersectPaths(x, y geoLine) ([]s2geo.Point, [][2]s2geo.Point) {
	var points []s2geo.Point
	var shared [][2]s2geo.Point
	for i := 0; i+1 < len(x); i++ {
		for j := 0; j+1 < len(y); j++ {
			a0, a1, b0, b1 := x[i], x[i+1], y[j], y[j+1]
			if sameGreatCircle(a0, a1, b0, b1) {
				if s, ok := overlap(a0, a1, b0, b1); ok {
					shared = append(shared, s)
				}
				continue
			}
			switch s2geo.CrossingSign(a0, a1, b0, b1) {
			case s2geo.Cross:
				points = append(points, s2geo.Intersection(a0, a1, b0, b1))
			case s2geo.MaybeCross:
				for _, p := range []s2geo.Point{a0, a1} {
					if p == b0 || p == b1 {
						points = append(points, p)
					}
				}
			}
		}
	}
	return dedupPoints(points, shared), shared
}

// sameGreatCircle reports whether edge b lies on the great circle of edge a.
func sameGreatCircle(a0, a1, b0, b1 s2geo.Point) bool {
	n := a0.Cross(a1.Vector)
	if n.Norm() == 0 {
		return false
	}
	n = n.Normalize()
	return math.Abs(n.Dot(b0.Vector)) <= onEdgeTolerance && math.Abs(n.Dot(b1.Vector)) <= onEdgeTolerance
}

func onEdge(p, a, b s2geo.Point) bool {
	return s2geo.DistanceFromSegment(p, a, b).Radians() <= onEdgeTolerance
}

// overlap is the common part of two edges of one great circle, ordered
// along the first.
func overlap(a0, a1, b0, b1 s2geo.Point) ([2]s2geo.Point, bool) {
	var on []s2geo.Point
	for _, p := range []s2geo.Point{a0, a1} {
		if onEdge(p, b0, b1) {
			on = append(on, p)
		}
	}
	for _, p := range []s2geo.Point{b0, b1} {
		if onEdge(p, a0, a1) && p != a0 && p != a1 {
			on = append(on, p)
		}
	}
	if len(on) < 2 {
		return [2]s2geo.Point{}, false
	}
	sort.Slice(on, func(i, j int) bool { return a0.Distance(on[i]) < a0.Distance(on[j]) })
	if on[0] == on[len(on)-1] {
		return [2]s2geo.Point{}, false
	}
	return [2]s2geo.Point{on[0], on[len(on)-1]}, true
}

// dedupPoints drops repeated points and points on shared segments.
func dedupPoints(points []s2geo.Point, shared [][2]s2geo.Point) []s2geo.Point {
	var out []s2geo.Point
next:
	for _, p := range points {
		for _, q := range out {
			if p.Distance(q).Radians() <= onEdgeTolerance {
				continue next
			}
		}
		for _, s := range shared {
			if onEdge(p, s[0], s[1]) {
				continue next
			}
		}
		out = append(out, p)
	}
	return out
}

// mergeSegments chains segments that continue one another into paths.
func mergeSegments(segs [][2]s2geo.Point) [][]s2geo.Point {
	var paths [][]s2geo.Point
	for _, s := range segs {
		if n := len(paths); n > 0 && paths[n-1][len(paths[n-1])-1] == s[0] {
			paths[n-1] = append(paths[n-1], s[1])
			continue
		}
		paths = append(paths, []s2geo.Point{s[0], s[1]})
	}
	return paths
}

// clipLine returns the parts of a path inside a polygon.
func clipLine(l geoLine, p geoPolygon) [][]s2geo.Point {
	edges := polygonEdges(p)
	var pieces [][]s2geo.Point
	var cur []s2geo.Point
	flush := func() {
		if len(cur) > 1 {
			pieces = append(pieces, cur)
		}
		cur = nil
	}
	for i := 0; i+1 < len(l); i++ {
		a, b := l[i], l[i+1]
		ts := []float64{0, 1}
		for _, e := range edges {
			if s2geo.CrossingSign(a, b, e[0], e[1]) == s2geo.Cross {
				ts = append(ts, s2geo.DistanceFraction(s2geo.Intersection(a, b, e[0], e[1]), a, b))
			}
		}
		sort.Float64s(ts)
		for k := 0; k+1 < len(ts); k++ {
			if ts[k+1]-ts[k] < 1e-15 {
				continue
			}
			start, end := pointAt(a, b, ts[k]), pointAt(a, b, ts[k+1])
			if !p.contains(s2geo.Interpolate((ts[k]+ts[k+1])/2, a, b)) {
				flush()
				continue
			}
			if len(cur) == 0 {
				cur = append(cur, start)
			}
			cur = append(cur, end)
		}
	}
	flush()
	return pieces
}

// pointAt keeps the exact vertices at fractions 0 and 1.
func pointAt(a, b s2geo.Point, t float64) s2geo.Point {
	switch t {
	case 0:
		return a
	case 1:
		return b
	}
	return s2geo.Interpolate(t, a, b)
}

func intersectionJSON(points []s2geo.Point, paths [][]s2geo.Point) map[string]any {
	coord := func(p s2geo.Point) []any {
		lng, lat := pointLngLat(p)
		return []any{cleanCoord(lng), cleanCoord(lat)}
	}
	path := func(ps []s2geo.Point) []any {
		out := make([]any, len(ps))
		for i, p := range ps {
			out[i] = coord(p)
		}
		return out
	}
	switch {
	case len(points) == 0 && len(paths) == 0:
		return map[string]any{"type": "GeometryCollection", "geometries": []any{}}
	case len(paths) == 0 && len(points) == 1:
		return geoJSON("Point", coord(points[0]))
	case len(paths) == 0:
		return geoJSON("MultiPoint", path(points))
	case len(points) == 0 && len(paths) == 1:
		return geoJSON("LineString", path(paths[0]))
	case len(points) == 0:
		var ls []any
		for _, p := range paths {
			ls = append(ls, path(p))
		}
		return geoJSON("MultiLineString", ls)
	}
	geoms := []any{}
	for _, p := range points {
		geoms = append(geoms, geoJSON("Point", coord(p)))
	}
	for _, p := range paths {
		geoms = append(geoms, geoJSON("LineString", path(p)))
	}
	return map[string]any{"type": "GeometryCollection", "geometries": geoms}
}

// cleanCoord rounds away the last-bit noise of the point/lat-lng round
// trip (-73.978929 comes back as -73.97892900000001).
func cleanCoord(x float64) float64 {
	r := math.Round(x*1e12) / 1e12
	if math.Abs(r-x) < 1e-13 {
		return r
	}
	return x
}
