package funcs

import (
	s2geo "github.com/golang/geo/s2"
	"github.com/soclab/soclab/simulator/kql/types"
)

// S2 cells (Google's S2 geometry library, which Kusto uses): tokens,
// centers, cell polygons and neighbors.

func registerS2(add func(*Func)) {
	add(fixed("geo_point_to_s2cell", types.String, []kind{kNum, kNum, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		lng, lat, ok := lngLat(a, 0)
		level, ok2 := intArg(a, 2, 11)
		if !ok || !ok2 || level < 0 || level > 30 {
			return emptyStr
		}
		return types.NewString(s2geo.CellIDFromLatLng(s2geo.LatLngFromDegrees(lat, lng)).Parent(int(level)).ToToken())
	}))
	add(fixed("geo_s2cell_to_central_point", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		id, ok := s2Token(a[0])
		if !ok {
			return nullDyn
		}
		ll := id.LatLng()
		return types.NewDynamic(pointJSON(ll.Lng.Degrees(), ll.Lat.Degrees()))
	}))
	add(fixed("geo_s2cell_to_polygon", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		id, ok := s2Token(a[0])
		if !ok {
			return nullDyn
		}
		return types.NewDynamic(polygonJSON(s2CellRing(id)))
	}))
	add(fixed("geo_s2cell_neighbors", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		id, ok := s2Token(a[0])
		if !ok {
			return nullDyn
		}
		var out []any
		for _, n := range id.AllNeighbors(id.Level()) {
			out = append(out, n.ToToken())
		}
		return types.NewDynamic(out)
	}))
}

// s2Token parses an S2 cell token; ok is false for an invalid cell.
func s2Token(v types.Value) (s2geo.CellID, bool) {
	t := str(v)
	if t == "" || len(t) > 16 {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if !isHex(t[i]) {
			return 0, false
		}
	}
	id := s2geo.CellIDFromToken(t)
	return id, id.IsValid()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// s2CellRing is the closed ring of a cell's four vertices.
func s2CellRing(id s2geo.CellID) [][2]float64 {
	c := s2geo.CellFromCellID(id)
	ring := make([][2]float64, 0, 5)
	for k := 0; k < 4; k++ {
		ll := s2geo.LatLngFromPoint(c.Vertex(k))
		ring = append(ring, [2]float64{ll.Lng.Degrees(), ll.Lat.Degrees()})
	}
	return append(ring, ring[0])
}
