package funcs

import (
	"math"

	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// GeoJSON shapes read from dynamic arguments and turned into S2 geometry
// (Kusto computes on the sphere, with geodesic edges).

// geoLine is one LineString (at least two points).
type geoLine []s2geo.Point

// geoPolygon is a shell loop and its holes; each loop is normalized to
// cover at most half the sphere (Kusto takes the smaller region).
type geoPolygon struct {
	shell *s2geo.Loop
	holes []*s2geo.Loop
}

// coordPoint reads one [lng, lat] position.
func coordPoint(x any) (s2geo.Point, [2]float64, bool) {
	c, ok := x.([]any)
	if !ok || len(c) < 2 {
		return s2geo.Point{}, [2]float64{}, false
	}
	lng, ok1 := num(types.NewDynamic(c[0]))
	lat, ok2 := num(types.NewDynamic(c[1]))
	if !ok1 || !ok2 || lng < -180 || lng > 180 || lat < -90 || lat > 90 {
		return s2geo.Point{}, [2]float64{}, false
	}
	return s2geo.PointFromLatLng(s2geo.LatLngFromDegrees(lat, lng)), [2]float64{lng, lat}, true
}

// coordLine reads an array of positions with at least two distinct ones.
func coordLine(x any) (geoLine, bool) {
	arr, ok := x.([]any)
	if !ok || len(arr) < 2 {
		return nil, false
	}
	line := make(geoLine, 0, len(arr))
	distinct := false
	for _, e := range arr {
		p, _, ok := coordPoint(e)
		if !ok {
			return nil, false
		}
		if len(line) > 0 && p != line[0] {
			distinct = true
		}
		line = append(line, p)
	}
	return line, distinct
}

// coordLoop reads a closed ring: at least 4 positions, first equal to
// last, at least 3 distinct vertices.
func coordLoop(x any) (*s2geo.Loop, bool) {
	arr, ok := x.([]any)
	if !ok || len(arr) < 4 {
		return nil, false
	}
	pts := make([]s2geo.Point, 0, len(arr))
	for _, e := range arr {
		p, _, ok := coordPoint(e)
		if !ok {
			return nil, false
		}
		if len(pts) > 0 && pts[len(pts)-1] == p {
			continue // repeated vertex
		}
		pts = append(pts, p)
	}
	if len(pts) < 2 || pts[0] != pts[len(pts)-1] {
		return nil, false
	}
	pts = pts[:len(pts)-1]
	if len(pts) < 3 {
		return nil, false
	}
	l := s2geo.LoopFromPoints(pts)
	l.Normalize()
	return l, true
}

// shapeOf returns a GeoJSON geometry's type and coordinates.
func shapeOf(v types.Value) (string, any, bool) {
	m, ok := bag(v)
	if !ok {
		if v.T == types.String { // a JSON text is accepted as the dynamic it holds
			d, err := types.ParseJSON(v.S)
			if m, ok = d.(map[string]any); err != nil || !ok {
				return "", nil, false
			}
		} else {
			return "", nil, false
		}
	}
	t, _ := m["type"].(string)
	c, ok := m["coordinates"]
	return t, c, ok
}

// linesOf reads a LineString or MultiLineString.
func linesOf(v types.Value) ([]geoLine, bool) {
	t, c, ok := shapeOf(v)
	if !ok {
		return nil, false
	}
	switch t {
	case "LineString":
		l, ok := coordLine(c)
		return []geoLine{l}, ok
	case "MultiLineString":
		arr, ok := c.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		var out []geoLine
		for _, e := range arr {
			l, ok := coordLine(e)
			if !ok {
				return nil, false
			}
			out = append(out, l)
		}
		return out, true
	}
	return nil, false
}

func polygonOf(c any) (geoPolygon, bool) {
	rings, ok := c.([]any)
	if !ok || len(rings) == 0 {
		return geoPolygon{}, false
	}
	// A polygon wrapped in one more array ([[ring, ...]], as
	// pack_array(polygon.coordinates) builds it) is read as the polygon:
	// the geo_point_in_polygon doc example relies on it.
	if len(rings) == 1 && nestingDepth(rings[0]) == 3 {
		rings = rings[0].([]any)
	}
	var p geoPolygon
	for i, r := range rings {
		l, ok := coordLoop(r)
		if !ok {
			return geoPolygon{}, false
		}
		if i == 0 {
			p.shell = l
		} else {
			p.holes = append(p.holes, l)
		}
	}
	return p, true
}

// polygonsOf reads a Polygon or MultiPolygon.
func polygonsOf(v types.Value) ([]geoPolygon, bool) {
	t, c, ok := shapeOf(v)
	if !ok {
		return nil, false
	}
	switch t {
	case "Polygon":
		p, ok := polygonOf(c)
		return []geoPolygon{p}, ok
	case "MultiPolygon":
		arr, ok := c.([]any)
		if !ok || len(arr) == 0 {
			return nil, false
		}
		var out []geoPolygon
		for _, e := range arr {
			p, ok := polygonOf(e)
			if !ok {
				return nil, false
			}
			out = append(out, p)
		}
		return out, true
	}
	return nil, false
}

func (p geoPolygon) contains(pt s2geo.Point) bool {
	if !p.shell.ContainsPoint(pt) {
		return false
	}
	for _, h := range p.holes {
		if h.ContainsPoint(pt) {
			return false
		}
	}
	return true
}

func (p geoPolygon) loops() []*s2geo.Loop { return append([]*s2geo.Loop{p.shell}, p.holes...) }

// distToEdges is the smallest angle (radians) from pt to the edges of l.
func distToLoop(pt s2geo.Point, l *s2geo.Loop) float64 {
	best := math.Inf(1)
	n := l.NumVertices()
	for i := 0; i < n; i++ {
		d := s2geo.DistanceFromSegment(pt, l.Vertex(i), l.Vertex(i+1)).Radians()
		best = math.Min(best, d)
	}
	return best
}

func distToLine(pt s2geo.Point, l geoLine) float64 {
	best := math.Inf(1)
	for i := 0; i+1 < len(l); i++ {
		best = math.Min(best, s2geo.DistanceFromSegment(pt, l[i], l[i+1]).Radians())
	}
	return best
}

// pointLngLat converts an S2 point back to [lng, lat] degrees.
func pointLngLat(p s2geo.Point) (float64, float64) {
	ll := s2geo.LatLngFromPoint(p)
	return ll.Lng.Degrees(), ll.Lat.Degrees()
}

// nestingDepth counts the array levels down the first elements of x
// (a position is 1, a ring 2, a polygon's rings 3).
func nestingDepth(x any) int {
	d := 0
	for {
		a, ok := x.([]any)
		if !ok || len(a) == 0 {
			return d
		}
		d++
		x = a[0]
	}
}
