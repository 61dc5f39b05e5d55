package funcs

import (
	"github.com/soclab/soclab/simulator/kql/types"
	h3 "github.com/uber/h3-go/v4"
)

// H3 cells (Uber's hexagonal grid, which Kusto's geo_*h3cell* functions use).

func registerH3(add func(*Func)) {
	add(fixed("geo_point_to_h3cell", types.String, []kind{kNum, kNum, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		lng, lat, ok := lngLat(a, 0)
		res, ok2 := intArg(a, 2, 6)
		if !ok || !ok2 || res < 0 || res > 15 {
			return emptyStr
		}
		return types.NewString(h3.LatLngToCell(h3.LatLng{Lat: lat, Lng: lng}, int(res)).String())
	}))
	add(fixed("geo_h3cell_to_central_point", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return nullDyn
		}
		ll := c.LatLng()
		return types.NewDynamic(pointJSON(ll.Lng, ll.Lat))
	}))
	add(fixed("geo_h3cell_to_polygon", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return nullDyn
		}
		return types.NewDynamic(polygonJSON(h3Ring(c)))
	}))
	add(fixed("geo_h3cell_level", types.Long, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return nullLong
		}
		return types.NewLong(int64(c.Resolution()))
	}))
	add(fixed("geo_h3cell_parent", types.String, []kind{kString, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return emptyStr
		}
		res, ok := intArg(a, 1, int64(c.Resolution()-1))
		if !ok || res < 0 || res > int64(c.Resolution()) {
			return emptyStr
		}
		return types.NewString(c.Parent(int(res)).String())
	}))
	add(fixed("geo_h3cell_children", types.Dynamic, []kind{kString, kNum}, 1, 2, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return nullDyn
		}
		res, ok := intArg(a, 1, int64(c.Resolution()+1))
		// Kusto caps the answer at 5 levels below the cell (16807 children).
		if !ok || res < int64(c.Resolution()) || res > 15 || res-int64(c.Resolution()) > 5 {
			return nullDyn
		}
		return types.NewDynamic(h3Strings(c.Children(int(res))))
	}))
	add(fixed("geo_h3cell_neighbors", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return nullDyn
		}
		rings := c.GridDiskDistances(1)
		if len(rings) < 2 {
			return nullDyn
		}
		return types.NewDynamic(h3Strings(rings[1]))
	}))
	add(fixed("geo_h3cell_rings", types.Dynamic, []kind{kString, kNum}, 2, 2, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		k, ok2 := intArg(a, 1, 0)
		if !ok || !ok2 || k < 0 || k > 142 {
			return nullDyn
		}
		var out []any
		for _, ring := range c.GridDiskDistances(int(k)) {
			out = append(out, h3Strings(ring))
		}
		return types.NewDynamic(out)
	}))
}

// h3Cell parses an H3 cell index in hex; ok is false for anything that is
// not a valid cell.
func h3Cell(v types.Value) (h3.Cell, bool) {
	t := str(v)
	if t == "" || len(t) > 16 {
		return 0, false
	}
	for i := 0; i < len(t); i++ {
		if !isHex(t[i]) {
			return 0, false
		}
	}
	c := h3.Cell(h3.IndexFromString(t))
	return c, c.IsValid()
}

// h3Ring is the closed ring of a cell's boundary.
func h3Ring(c h3.Cell) [][2]float64 {
	b := c.Boundary()
	ring := make([][2]float64, 0, len(b)+1)
	for _, p := range b {
		ring = append(ring, [2]float64{p.Lng, p.Lat})
	}
	return append(ring, ring[0])
}

func h3Strings(cells []h3.Cell) []any {
	out := make([]any, 0, len(cells))
	for _, c := range cells {
		if c != 0 {
			out = append(out, c.String())
		}
	}
	return out
}
