package funcs

import (
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

// BenchmarkGeoPointInPolygon measures one containment test against a
// constant 5-vertex polygon (the shape is re-read per row, as a column would be).
func BenchmarkGeoPointInPolygon(b *testing.B) {
	poly, _ := types.ParseJSON(`{"type":"Polygon","coordinates":[[[-73.9495,40.7969],[-73.95807266235352,40.80068603561921],[-73.98201942443848,40.76825672305777],[-73.97317886352539,40.76455136505513],[-73.9495,40.7969]]]}`)
	f, _ := Builtins().Lookup("geo_point_in_polygon")
	ctx := NewContext(types.TicksToTime(0), 1)
	args := []types.Value{types.NewReal(-73.965), types.NewReal(40.78), types.NewDynamic(poly)}
	for b.Loop() {
		f.eval(ctx, args)
	}
}

// BenchmarkGeoPointToS2Cell measures the S2 token of a point at level 11.
func BenchmarkGeoPointToS2Cell(b *testing.B) {
	f, _ := Builtins().Lookup("geo_point_to_s2cell")
	ctx := NewContext(types.TicksToTime(0), 1)
	args := []types.Value{types.NewReal(-73.965), types.NewReal(40.78)}
	for b.Loop() {
		f.eval(ctx, args)
	}
}

// BenchmarkGeoPointToH3Cell measures the H3 index of a point at resolution 6 (pure Go: simulator/h3).
func BenchmarkGeoPointToH3Cell(b *testing.B) {
	f, _ := Builtins().Lookup("geo_point_to_h3cell")
	ctx := NewContext(types.TicksToTime(0), 1)
	args := []types.Value{types.NewReal(-73.965), types.NewReal(40.78)}
	for b.Loop() {
		f.eval(ctx, args)
	}
}
