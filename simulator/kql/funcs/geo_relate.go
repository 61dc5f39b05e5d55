package funcs

import (
	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/h3"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Intersection tests between lines and polygons, and covering polygons
// and lines with S2 or H3 cells.

// maxCoveringCells bounds a covering; larger coverings return null, as
// Kusto refuses to build huge ones.
const maxCoveringCells = 1 << 16

func registerGeoRelate(add func(*Func)) {
	d2 := []kind{kDyn, kDyn}
	add(fixed("geo_intersects_2lines", types.Bool, d2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		l1, ok1 := linesOf(a[0])
		l2, ok2 := linesOf(a[1])
		if !ok1 || !ok2 {
			return nullBool
		}
		for _, x := range l1 {
			for _, y := range l2 {
				if edgesCross(pathEdges(x, false), pathEdges(y, false)) {
					return types.NewBool(true)
				}
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("geo_intersects_2polygons", types.Bool, d2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		p1, ok1 := polygonsOf(a[0])
		p2, ok2 := polygonsOf(a[1])
		if !ok1 || !ok2 {
			return nullBool
		}
		for _, x := range p1 {
			for _, y := range p2 {
				if polygonsIntersect(x, y) {
					return types.NewBool(true)
				}
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("geo_intersects_line_with_polygon", types.Bool, d2, 2, 2, func(_ *Context, a []types.Value) types.Value {
		lines, ok1 := linesOf(a[0])
		polys, ok2 := polygonsOf(a[1])
		if !ok1 || !ok2 {
			return nullBool
		}
		for _, l := range lines {
			for _, p := range polys {
				if lineIntersectsPolygon(l, p) {
					return types.NewBool(true)
				}
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("geo_polygon_to_s2cells", types.Dynamic, []kind{kDyn, kNum, kNum}, 1, 3, func(_ *Context, a []types.Value) types.Value {
		polys, ok := polygonsOf(a[0])
		level, ok2 := intArg(a, 1, 11)
		if !ok || !ok2 || level < 0 || level > 30 {
			return nullDyn
		}
		var loops []*s2geo.Loop
		for _, p := range polys {
			loops = append(loops, p.loops()...)
		}
		poly := s2geo.PolygonFromLoops(loops)
		if poly.Area()/s2geo.AvgAreaMetric.Value(int(level)) > maxCoveringCells {
			return nullDyn // too many cells: refuse before computing them
		}
		return s2Covering(poly, int(level))
	}))
	add(fixed("geo_line_to_s2cells", types.Dynamic, []kind{kDyn, kNum, kNum}, 1, 3, func(_ *Context, a []types.Value) types.Value {
		lines, ok := linesOf(a[0])
		level, ok2 := intArg(a, 1, 11)
		if !ok || !ok2 || level < 0 || level > 30 {
			return nullDyn
		}
		var regions []s2geo.Region
		length := 0.0
		for _, l := range lines {
			pl := s2geo.Polyline(l)
			regions = append(regions, &pl)
			length += pl.Length().Radians()
		}
		if length/s2geo.AvgEdgeMetric.Value(int(level)) > maxCoveringCells/4 {
			return nullDyn // too many cells: refuse before computing them
		}
		return s2Covering(s2geo.RegionUnion(regions), int(level))
	}))
	add(fixed("geo_polygon_to_h3cells", types.Dynamic, []kind{kDyn, kNum, kNum}, 1, 3, func(_ *Context, a []types.Value) types.Value {
		t, c, ok := shapeOf(a[0])
		res, ok2 := intArg(a, 1, 6)
		shapes, valid := polygonsOf(a[0])
		if !ok || !valid || !ok2 || res < 0 || res > 15 {
			return nullDyn
		}
		area := 0.0
		for _, p := range shapes {
			area += p.shell.Area() * earthRadius * earthRadius
		}
		if area/h3.HexagonAreaAvgM2(int(res)) > maxCoveringCells {
			return nullDyn // too many cells: refuse before computing them
		}
		var polys []any
		if t == "Polygon" {
			polys = []any{c}
		} else {
			polys = c.([]any)
		}
		var out []any
		for _, p := range polys {
			var gp h3.Polygon
			for i, r := range p.([]any) {
				var loop []h3.LatLng
				for _, pos := range r.([]any) {
					_, ll, _ := coordPoint(pos)
					loop = append(loop, h3.LatLng{Lat: ll[1], Lng: ll[0]})
				}
				if i == 0 {
					gp.Outer = loop
				} else {
					gp.Holes = append(gp.Holes, loop)
				}
			}
			out = append(out, h3Strings(h3.PolygonCells(gp, int(res)))...)
			if len(out) > maxCoveringCells {
				return nullDyn
			}
		}
		return types.NewDynamic(out)
	}))
}

// s2Covering lists the tokens of the level-`level` cells covering r.
func s2Covering(r s2geo.Region, level int) types.Value {
	rc := &s2geo.RegionCoverer{MinLevel: level, MaxLevel: level, MaxCells: maxCoveringCells + 1}
	cells := rc.Covering(r)
	if len(cells) > maxCoveringCells {
		return nullDyn
	}
	out := make([]any, len(cells))
	for i, c := range cells {
		out[i] = c.ToToken()
	}
	return types.NewDynamic(out)
}

// pathEdges returns the edges of a path (closed: the loop's last edge too).
func pathEdges(pts []s2geo.Point, closed bool) [][2]s2geo.Point {
	var e [][2]s2geo.Point
	for i := 0; i+1 < len(pts); i++ {
		e = append(e, [2]s2geo.Point{pts[i], pts[i+1]})
	}
	if closed && len(pts) > 2 {
		e = append(e, [2]s2geo.Point{pts[len(pts)-1], pts[0]})
	}
	return e
}

func loopEdges(l *s2geo.Loop) [][2]s2geo.Point { return pathEdges(l.Vertices(), true) }

// edgesCross reports whether any edge of a touches or crosses any edge of b.
func edgesCross(a, b [][2]s2geo.Point) bool {
	for _, x := range a {
		for _, y := range b {
			if s2geo.CrossingSign(x[0], x[1], y[0], y[1]) != s2geo.DoNotCross {
				return true
			}
		}
	}
	return false
}

func polygonEdges(p geoPolygon) [][2]s2geo.Point {
	var e [][2]s2geo.Point
	for _, l := range p.loops() {
		e = append(e, loopEdges(l)...)
	}
	return e
}

func polygonsIntersect(x, y geoPolygon) bool {
	if x.contains(x.shell.Vertex(0)) && y.contains(x.shell.Vertex(0)) {
		return true
	}
	if y.contains(x.shell.Vertex(0)) || x.contains(y.shell.Vertex(0)) {
		return true
	}
	return edgesCross(polygonEdges(x), polygonEdges(y))
}

func lineIntersectsPolygon(l geoLine, p geoPolygon) bool {
	for _, pt := range l {
		if p.contains(pt) {
			return true
		}
	}
	return edgesCross(pathEdges(l, false), polygonEdges(p))
}
