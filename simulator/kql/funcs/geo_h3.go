package funcs

import (
	"github.com/soclab/soclab/simulator/h3"
	"github.com/soclab/soclab/simulator/kql/types"
)

// H3 cells (Uber's hexagonal grid, which Kusto's geo_*h3cell* functions use).

func registerH3(add func(*Func)) {
	add(fixed("geo_point_to_h3cell", types.String, []kind{kNum, kNum, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		lng, lat, ok := lngLat(a, 0)
		res, ok2 := intArg(a, 2, 6)
		if !ok || !ok2 || res < 0 || res > 15 {
			return emptyStr
		}
		c, ok := h3.FromLatLng(h3.LatLng{Lat: lat, Lng: lng}, int(res))
		if !ok {
			return emptyStr
		}
		return types.NewString(c.String())
	}))
	add(fixed("geo_h3cell_to_central_point", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		c, ok := h3Cell(a[0])
		if !ok {
			return nullDyn
		}
		ll := c.Center()
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
		p, ok := c.Parent(int(res))
		if !ok {
			return emptyStr
		}
		return types.NewString(p.String())
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
		rings, ok := c.DiskDistances(1)
		if !ok || len(rings) < 2 {
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
		disk, ok := c.DiskDistances(int(k))
		if !ok {
			return nullDyn
		}
		var out []any
		for _, ring := range disk {
			out = append(out, h3Strings(ring))
		}
		return types.NewDynamic(out)
	}))
}

// h3Cell parses an H3 cell index in hex; ok is false for anything that is
// not a valid cell.
func h3Cell(v types.Value) (h3.Cell, bool) {
	c, err := h3.ParseCell(str(v))
	return c, err == nil
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
