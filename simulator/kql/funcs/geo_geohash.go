package funcs

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Geohash (base-32 interleaved longitude/latitude bits, geohash.org).

const geohashAlphabet = "0123456789bcdefghjkmnpqrstuvwxyz"

func registerGeohash(add func(*Func)) {
	add(fixed("geo_point_to_geohash", types.String, []kind{kNum, kNum, kNum}, 2, 3, func(_ *Context, a []types.Value) types.Value {
		lng, lat, ok := lngLat(a, 0)
		acc, ok2 := intArg(a, 2, 5)
		if !ok || !ok2 || acc < 1 || acc > 18 {
			return emptyStr
		}
		return types.NewString(geohashEncode(lng, lat, int(acc)))
	}))
	add(fixed("geo_geohash_to_central_point", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b, ok := geohashDecode(str(a[0]))
		if !ok {
			return nullDyn
		}
		return types.NewDynamic(pointJSON((b[0]+b[2])/2, (b[1]+b[3])/2))
	}))
	add(fixed("geo_geohash_to_polygon", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		b, ok := geohashDecode(str(a[0]))
		if !ok {
			return nullDyn
		}
		return types.NewDynamic(polygonJSON(rectRing(b)))
	}))
	add(fixed("geo_geohash_neighbors", types.Dynamic, []kind{kString}, 1, 1, func(_ *Context, a []types.Value) types.Value {
		h := str(a[0])
		b, ok := geohashDecode(h)
		if !ok {
			return nullDyn
		}
		w, hgt := b[2]-b[0], b[3]-b[1]
		cx, cy := (b[0]+b[2])/2, (b[1]+b[3])/2
		// Kusto's order: N, NE, E, SE, S, SW, W, NW.
		var out []any
		for _, d := range [8][2]float64{{0, 1}, {1, 1}, {1, 0}, {1, -1}, {0, -1}, {-1, -1}, {-1, 0}, {-1, 1}} {
			x, y := cx+d[0]*w, cy+d[1]*hgt
			if y > 90 || y < -90 {
				continue // no cell beyond a pole
			}
			if x > 180 {
				x -= 360
			} else if x < -180 {
				x += 360
			}
			out = append(out, geohashEncode(x, y, len(h)))
		}
		return types.NewDynamic(out)
	}))
}

// geohashEncode returns the geohash of a point with n characters.
func geohashEncode(lng, lat float64, n int) string {
	lo := [2]float64{-180, -90}
	hi := [2]float64{180, 90}
	v := [2]float64{lng, lat}
	var sb strings.Builder
	bit, ch, axis := 0, 0, 0
	for sb.Len() < n {
		mid := (lo[axis] + hi[axis]) / 2
		ch <<= 1
		if v[axis] >= mid {
			ch |= 1
			lo[axis] = mid
		} else {
			hi[axis] = mid
		}
		axis ^= 1
		if bit++; bit == 5 {
			sb.WriteByte(geohashAlphabet[ch])
			bit, ch = 0, 0
		}
	}
	return sb.String()
}

// geohashDecode returns the cell's box [west, south, east, north]; ok is
// false for an empty, too long or invalid geohash.
func geohashDecode(h string) ([4]float64, bool) {
	if len(h) == 0 || len(h) > 18 {
		return [4]float64{}, false
	}
	lo := [2]float64{-180, -90}
	hi := [2]float64{180, 90}
	axis := 0
	for i := 0; i < len(h); i++ {
		c := strings.IndexByte(geohashAlphabet, h[i])
		if c < 0 {
			return [4]float64{}, false
		}
		for b := 4; b >= 0; b-- {
			mid := (lo[axis] + hi[axis]) / 2
			if c>>b&1 == 1 {
				lo[axis] = mid
			} else {
				hi[axis] = mid
			}
			axis ^= 1
		}
	}
	return [4]float64{lo[0], lo[1], hi[0], hi[1]}, true
}

// rectRing is the closed counterclockwise ring of a box [w, s, e, n].
func rectRing(b [4]float64) [][2]float64 {
	return [][2]float64{{b[0], b[1]}, {b[2], b[1]}, {b[2], b[3]}, {b[0], b[3]}, {b[0], b[1]}}
}
