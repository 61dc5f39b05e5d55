package h3

import (
	"math"
	"slices"
	"testing"
)

// TestPublishedCells checks ids printed in the H3 projects' own READMEs and
// in the Kusto documentation's examples.
func TestPublishedCells(t *testing.T) {
	for _, tc := range []struct {
		lat, lng float64
		res      int
		want     string
	}{
		{37.3615593, -122.0553238, 7, "87283472bffffff"},                // uber/h3 README
		{37.769377, -122.388903, 9, "89283082e73ffff"},                  // h3-py README
		{37.775938728915946, -122.41795063018799, 9, "8928308280fffff"}, // h3-js README
		{40.689250859314974, -74.04450446039874, 6, "862a1072fffffff"},  // Kusto geo_point_to_h3cell
	} {
		c, ok := FromLatLng(LatLng{tc.lat, tc.lng}, tc.res)
		if !ok || c.String() != tc.want {
			t.Errorf("FromLatLng(%v, %v, %d) = %v, %v; want %s", tc.lat, tc.lng, tc.res, c, ok, tc.want)
		}
	}
}

func TestFromLatLngBadInput(t *testing.T) {
	for _, tc := range []struct {
		p   LatLng
		res int
	}{
		{LatLng{0, 0}, -1}, {LatLng{0, 0}, 16}, {LatLng{math.NaN(), 0}, 5},
		{LatLng{0, math.Inf(1)}, 5}, {LatLng{math.Inf(-1), 0}, 0},
	} {
		if c, ok := FromLatLng(tc.p, tc.res); ok || c != 0 {
			t.Errorf("FromLatLng(%v, %d) = %v, %v; want 0, false", tc.p, tc.res, c, ok)
		}
	}
}

func TestParseCell(t *testing.T) {
	for _, tc := range []struct {
		in      string
		res, bc int
		pent    bool
		wantErr bool
	}{
		{"862a1072fffffff", 6, 21, false, false},
		{"862A1072FFFFFFF", 6, 21, false, false},
		{"8001fffffffffff", 0, 0, false, false},
		{"8009fffffffffff", 0, 4, true, false},
		{"", 0, 0, false, true},
		{"abc", 0, 0, false, true},
		{"0x862a1072fffffff", 0, 0, false, true},
		{"862a1072fffffff0", 0, 0, false, true},
		{"862a1072fffffffff", 0, 0, false, true},
		{"-862a1072ffffff", 0, 0, false, true},
		{"862a1072ffffffg", 0, 0, false, true},
		{"81087ffffffffff", 0, 0, false, true}, // a pentagon's deleted k sub-sequence
	} {
		c, err := ParseCell(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("ParseCell(%q) error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if err == nil && (c.Resolution() != tc.res || c.BaseCell() != tc.bc || c.IsPentagon() != tc.pent) {
			t.Errorf("ParseCell(%q) = res %d base %d pentagon %v; want %d %d %v", tc.in, c.Resolution(), c.BaseCell(), c.IsPentagon(), tc.res, tc.bc, tc.pent)
		}
	}
}

func TestParentChildrenBounds(t *testing.T) {
	c, _ := ParseCell("862a1072fffffff")
	for _, tc := range []struct {
		res  int
		want string
		ok   bool
	}{{5, "852a1073fffffff", true}, {6, "862a1072fffffff", true}, {0, "802bfffffffffff", true}, {7, "0", false}, {-1, "0", false}} {
		p, ok := c.Parent(tc.res)
		if ok != tc.ok || p.String() != tc.want {
			t.Errorf("Parent(%d) = %v, %v; want %s, %v", tc.res, p, ok, tc.want, tc.ok)
		}
	}
	if got := c.Children(5); got != nil {
		t.Errorf("Children(5) = %v, want nil", got)
	}
	if got := c.Children(16); got != nil {
		t.Errorf("Children(16) = %v, want nil", got)
	}
	if got := len(c.Children(9)); got != 343 {
		t.Errorf("len(Children(9)) = %d, want 343", got)
	}
	pent, _ := ParseCell("8009fffffffffff")
	if got := len(pent.Children(2)); got != 1+5*(49-1)/6 {
		t.Errorf("pentagon: %d grandchildren, want 41", got)
	}
}

func TestDiskDistancesBounds(t *testing.T) {
	c, _ := ParseCell("861f8894fffffff")
	for _, k := range []int{-1, MaxDiskK + 1} {
		if d, ok := c.DiskDistances(k); ok || d != nil {
			t.Errorf("DiskDistances(%d) = %v, %v; want nil, false", k, d, ok)
		}
	}
	if d, ok := Cell(0).DiskDistances(1); ok || d != nil {
		t.Errorf("DiskDistances of cell 0 = %v, %v; want nil, false", d, ok)
	}
	d, _ := c.DiskDistances(1)
	want := [][]string{{"861f8894fffffff"}, {"861f88947ffffff", "861f8895fffffff", "861f88867ffffff", "861f8d497ffffff", "861f8d4b7ffffff", "861f8896fffffff"}}
	for i := range want {
		if got := cellStrings(d[i]); !slices.Equal(got, want[i]) {
			t.Errorf("ring %d = %v, want %v", i, got, want[i])
		}
	}
	// A pentagon has 5 neighbours.
	p, _ := ParseCell("8009fffffffffff")
	if d, _ := p.DiskDistances(1); len(d[1]) != 5 {
		t.Errorf("pentagon ring 1 = %v, want 5 cells", d[1])
	}
}

func TestPolygonCellsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Polygon
		res  int
	}{
		{"empty", Polygon{}, 5},
		{"flat", Polygon{Outer: []LatLng{{0, 0}, {0, 1}, {0, 2}}}, 5},
		{"resolution", Polygon{Outer: []LatLng{{0, 0}, {1, 1}, {0, 1}}}, 16},
	} {
		if got := PolygonCells(tc.p, tc.res); got != nil {
			t.Errorf("%s: PolygonCells = %v, want nil", tc.name, got)
		}
	}
}

func TestHexagonAreaAvgM2(t *testing.T) {
	if got := HexagonAreaAvgM2(6); got != 3.612906216441250e+07 {
		t.Errorf("HexagonAreaAvgM2(6) = %v", got)
	}
	if HexagonAreaAvgM2(-1) != 0 || HexagonAreaAvgM2(16) != 0 {
		t.Error("HexagonAreaAvgM2 out of range is not 0")
	}
}

// FuzzParseCell: anything ParseCell accepts is a valid cell that prints
// back to the same index, has a centre and a boundary, and its parent
// contains it among its children.
func FuzzParseCell(f *testing.F) {
	for _, s := range []string{"862a1072fffffff", "8009fffffffffff", "8ff29380e0d0cc4", "81087ffffffffff", "", "zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCell(s)
		if err != nil {
			return
		}
		if !c.IsValid() {
			t.Fatalf("%q parsed to invalid %v", s, c)
		}
		if b := c.Boundary(); len(b) < 5 {
			t.Fatalf("%v: boundary %v", c, b)
		}
		ctr := c.Center()
		if back, ok := FromLatLng(ctr, c.Resolution()); !ok || back != c {
			t.Fatalf("%v: centre %v maps to %v", c, ctr, back)
		}
		if c.Resolution() > 0 {
			p, _ := c.Parent(c.Resolution() - 1)
			if !slices.Contains(p.Children(c.Resolution()), c) {
				t.Fatalf("%v not among its parent %v's children", c, p)
			}
		}
	})
}

// FuzzFromLatLng: every finite point (any range: longitudes wrap) has a
// valid cell at every resolution; non-finite ones have none.
func FuzzFromLatLng(f *testing.F) {
	f.Add(40.689, -74.044, uint8(6))
	f.Add(-90.0, 0.0, uint8(15))
	f.Add(0.0, 180.0, uint8(0))
	f.Fuzz(func(t *testing.T, lat, lng float64, r uint8) {
		res := int(r % 16)
		c, ok := FromLatLng(LatLng{lat, lng}, res)
		if math.IsNaN(lat) || math.IsNaN(lng) || math.IsInf(lat, 0) || math.IsInf(lng, 0) {
			if ok {
				t.Fatalf("non-finite point gave %v", c)
			}
			return
		}
		if !ok || !c.IsValid() || c.Resolution() != res {
			t.Fatalf("FromLatLng(%v, %v, %d) = %v, %v", lat, lng, res, c, ok)
		}
	})
}

func BenchmarkFromLatLng(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		FromLatLng(LatLng{40.689 + float64(i%100)*1e-3, -74.044}, 9)
	}
}

func BenchmarkBoundary(b *testing.B) {
	c, _ := ParseCell("862a1072fffffff")
	for b.Loop() {
		c.Boundary()
	}
}

func BenchmarkDiskDistances3(b *testing.B) {
	c, _ := ParseCell("862a1072fffffff")
	for b.Loop() {
		c.DiskDistances(3)
	}
}
