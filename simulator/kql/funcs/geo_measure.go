package funcs

import (
	"math"

	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// Distances, containment and measures on the sphere of radius earthRadius.

func registerGeoMeasure(add func(*Func)) {
	n4 := []kind{kNum, kNum, kNum, kNum, kNum, kNum}
	add(fixed("geo_distance_2points", types.Real, n4, 4, 4, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		q, ok2 := argPoint(a, 2)
		if !ok1 || !ok2 {
			return nullReal
		}
		return types.NewReal(p.Distance(q).Radians() * earthRadius)
	}))
	add(fixed("geo_point_in_circle", types.Bool, n4, 5, 5, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		c, ok2 := argPoint(a, 2)
		r, ok3 := num(a[4])
		if !ok1 || !ok2 || !ok3 || r < 0 {
			return nullBool
		}
		return types.NewBool(p.Distance(c).Radians()*earthRadius <= r)
	}))
	add(fixed("geo_azimuth", types.Real, n4, 4, 4, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		q, ok2 := argPoint(a, 2)
		if !ok1 || !ok2 || p == q {
			return nullReal
		}
		return types.NewReal(azimuth(p, q))
	}))
	add(fixed("geo_angle", types.Real, n4, 6, 6, func(_ *Context, a []types.Value) types.Value {
		p1, ok1 := argPoint(a, 0)
		p2, ok2 := argPoint(a, 2)
		p3, ok3 := argPoint(a, 4)
		if !ok1 || !ok2 || !ok3 || p1 == p2 || p3 == p2 {
			return nullReal
		}
		d := azimuth(p2, p3) - azimuth(p2, p1)
		for d < 0 {
			d += 2 * math.Pi
		}
		return types.NewReal(math.Mod(d, 2*math.Pi))
	}))
	pointAndShape := []kind{kNum, kNum, kDyn}
	add(fixed("geo_point_in_polygon", types.Bool, pointAndShape, 3, 3, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		polys, ok2 := polygonsOf(a[2])
		if !ok1 || !ok2 {
			return nullBool
		}
		for _, poly := range polys {
			if poly.contains(p) {
				return types.NewBool(true)
			}
		}
		return types.NewBool(false)
	}))
	add(fixed("geo_distance_point_to_polygon", types.Real, pointAndShape, 3, 3, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		polys, ok2 := polygonsOf(a[2])
		if !ok1 || !ok2 {
			return nullReal
		}
		best := math.Inf(1)
		for _, poly := range polys {
			if poly.contains(p) {
				return types.NewReal(0)
			}
			for _, l := range poly.loops() {
				best = math.Min(best, distToLoop(p, l))
			}
		}
		return types.NewReal(best * earthRadius)
	}))
	add(fixed("geo_distance_point_to_line", types.Real, pointAndShape, 3, 3, func(_ *Context, a []types.Value) types.Value {
		p, ok1 := argPoint(a, 0)
		lines, ok2 := linesOf(a[2])
		if !ok1 || !ok2 {
			return nullReal
		}
		best := math.Inf(1)
		for _, l := range lines {
			best = math.Min(best, distToLine(p, l))
		}
		return types.NewReal(best * earthRadius)
	}))
	add(fixed("geo_line_length", types.Real, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		lines, ok := linesOf(a[0])
		if !ok {
			return nullReal
		}
		total := 0.0
		for _, l := range lines {
			for i := 0; i+1 < len(l); i++ {
				total += l[i].Distance(l[i+1]).Radians()
			}
		}
		return types.NewReal(total * earthRadius)
	}))
	add(fixed("geo_polygon_area", types.Real, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		polys, ok := polygonsOf(a[0])
		if !ok {
			return nullReal
		}
		total := 0.0
		for _, p := range polys {
			total += p.shell.Area()
			for _, h := range p.holes {
				total -= h.Area()
			}
		}
		return types.NewReal(total * earthRadius * earthRadius)
	}))
	add(fixed("geo_polygon_perimeter", types.Real, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		polys, ok := polygonsOf(a[0])
		if !ok {
			return nullReal
		}
		total := 0.0
		for _, p := range polys {
			for _, l := range p.loops() {
				for i := 0; i < l.NumVertices(); i++ {
					total += l.Vertex(i).Distance(l.Vertex(i + 1)).Radians()
				}
			}
		}
		return types.NewReal(total * earthRadius)
	}))
	add(fixed("geo_line_centroid", types.Dynamic, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		lines, ok := linesOf(a[0])
		if !ok {
			return nullDyn
		}
		var sum s2geo.Point
		for _, l := range lines {
			pl := s2geo.Polyline(l)
			sum = s2geo.Point{Vector: sum.Add(pl.Centroid().Vector)}
		}
		if sum.Norm() == 0 {
			return nullDyn
		}
		lng, lat := pointLngLat(s2geo.Point{Vector: sum.Normalize()})
		return types.NewDynamic(pointJSON(lng, lat))
	}))
	add(fixed("geo_polygon_centroid", types.Dynamic, []kind{kDyn}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		polys, ok := polygonsOf(a[0])
		if !ok {
			return nullDyn
		}
		var sum s2geo.Point
		for _, p := range polys {
			sum = s2geo.Point{Vector: sum.Add(p.shell.Centroid().Vector)}
			for _, h := range p.holes {
				sum = s2geo.Point{Vector: sum.Sub(h.Centroid().Vector)}
			}
		}
		if sum.Norm() == 0 {
			return nullDyn
		}
		lng, lat := pointLngLat(s2geo.Point{Vector: sum.Normalize()})
		return types.NewDynamic(pointJSON(lng, lat))
	}))
}

// argPoint reads a longitude/latitude argument pair as an S2 point.
func argPoint(a []types.Value, i int) (s2geo.Point, bool) {
	lng, lat, ok := lngLat(a, i)
	if !ok {
		return s2geo.Point{}, false
	}
	return s2geo.PointFromLatLng(s2geo.LatLngFromDegrees(lat, lng)), true
}

// azimuth is the initial bearing from p to q, radians clockwise from north
// in [0, 2π).
func azimuth(p, q s2geo.Point) float64 {
	a, b := s2geo.LatLngFromPoint(p), s2geo.LatLngFromPoint(q)
	dl := (b.Lng - a.Lng).Radians()
	y := math.Sin(dl) * math.Cos(b.Lat.Radians())
	x := math.Cos(a.Lat.Radians())*math.Sin(b.Lat.Radians()) - math.Sin(a.Lat.Radians())*math.Cos(b.Lat.Radians())*math.Cos(dl)
	az := math.Atan2(y, x)
	if az < 0 {
		az += 2 * math.Pi
	}
	return az
}
