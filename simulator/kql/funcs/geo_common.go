package funcs

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// Shared helpers of the geospatial functions: coordinates from arguments,
// GeoJSON values built the way Kusto prints them.

// earthRadius is the sphere Kusto measures distances on (S2's mean Earth
// radius, 6371.01 km: geo_distance_2points' doc example gives exactly it).
const earthRadius = 6371010.0

// num returns an argument as a float64 (a dynamic number is unwrapped).
func num(v types.Value) (float64, bool) {
	f, ok := types.FromDynamic(v).AsFloat()
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// intArg returns the optional integer argument i, def when absent; ok is
// false when the argument is given but null or not a number.
func intArg(a []types.Value, i int, def int64) (int64, bool) {
	if i >= len(a) {
		return def, true
	}
	v := types.FromDynamic(a[i])
	if v.IsNull() {
		return 0, false
	}
	if v.T == types.Real || v.T == types.Decimal {
		if v.F != math.Trunc(v.F) {
			return 0, false
		}
	}
	return v.AsInt()
}

// lngLat reads a longitude and a latitude argument and checks their ranges.
func lngLat(a []types.Value, i int) (lng, lat float64, ok bool) {
	lng, ok1 := num(a[i])
	lat, ok2 := num(a[i+1])
	if !ok1 || !ok2 || lng < -180 || lng > 180 || lat < -90 || lat > 90 {
		return 0, 0, false
	}
	return lng, lat, true
}

// pointJSON is the GeoJSON point Kusto returns.
func pointJSON(lng, lat float64) map[string]any {
	return map[string]any{"type": "Point", "coordinates": []any{lng, lat}}
}

// polygonJSON is a GeoJSON polygon of one ring (closed by the caller).
func polygonJSON(ring [][2]float64) map[string]any {
	r := make([]any, len(ring))
	for i, p := range ring {
		r[i] = []any{p[0], p[1]}
	}
	return map[string]any{"type": "Polygon", "coordinates": []any{r}}
}

// strArray converts strings to a dynamic array.
func strArray(s []string) []any {
	out := make([]any, len(s))
	for i, x := range s {
		out[i] = x
	}
	return out
}

var (
	nullDyn  = types.NullOf(types.Dynamic)
	nullReal = types.NullOf(types.Real)
	nullBool = types.NullOf(types.Bool)
	nullLong = types.NullOf(types.Long)
	emptyStr = types.NewString("")
)
