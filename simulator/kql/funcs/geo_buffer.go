package funcs

import (
	"math"

	s1geo "github.com/golang/geo/s1"
	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// geo_point_buffer: the circle of a radius around a point as a polygon
// whose edges stay within the tolerance of the true circle. (Kusto places
// its vertices its own way; the area and containment agree within the
// tolerance, the vertex list does not.)

// maxBufferVertices bounds the polygon of a buffer; finer requests are null.
const maxBufferVertices = 1 << 16

func registerGeoBuffer(add func(*Func)) {
	add(fixed("geo_point_buffer", types.Dynamic, []kind{kNum, kNum, kNum, kNum}, 3, 4, func(_ *Context, a []types.Value) types.Value {
		center, ok := argPoint(a, 0)
		r, ok2 := num(a[2])
		tol := 0.1
		ok3 := true
		if len(a) > 3 && !(a[3].IsNull() && a[3].T != types.Dynamic) {
			tol, ok3 = num(a[3])
		}
		// Docs: radius > 0 and below half the Earth's circumference; tolerance in [0.00001, 1].
		if !ok || !ok2 || !ok3 || r <= 0 || r >= math.Pi*earthRadius || tol < 1e-5 || tol > 1 {
			return nullDyn
		}
		n := 4
		if tol < r {
			n = max(n, int(math.Ceil(math.Pi/math.Acos(1-tol/r))))
		}
		if n > maxBufferVertices {
			return nullDyn
		}
		loop := s2geo.RegularLoop(center, s1geo.Angle(r/earthRadius), n)
		ring := make([][2]float64, 0, n+1)
		for _, p := range loop.Vertices() {
			lng, lat := pointLngLat(p)
			ring = append(ring, [2]float64{lng, lat})
		}
		return types.NewDynamic(polygonJSON(append(ring, ring[0])))
	}))
}
