package h3

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// refLine is one line of testdata/reference.jsonl, written by refgen from
// the H3 reference library.
type refLine struct {
	Kind     string         `json:"kind"`
	Lat      float64        `json:"lat"`
	Lng      float64        `json:"lng"`
	Cells    []string       `json:"cells"`
	Cell     string         `json:"cell"`
	Valid    bool           `json:"valid"`
	Pentagon bool           `json:"pentagon"`
	Center   [2]float64     `json:"center"`
	Boundary [][2]float64   `json:"boundary"`
	Parents  []string       `json:"parents"`
	Children []string       `json:"children"`
	Disk     [][]string     `json:"disk"`
	Outer    [][2]float64   `json:"outer"`
	Holes    [][][2]float64 `json:"holes"`
	Res      int            `json:"res"`
}

func loadReference(t *testing.T) []refLine {
	t.Helper()
	f, err := os.Open("testdata/reference.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []refLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var l refLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("reference line %d: %v", len(out)+1, err)
		}
		out = append(out, l)
	}
	if len(out) < 1000 {
		t.Fatalf("only %d reference lines", len(out))
	}
	return out
}

// near compares two points by their distance on the unit sphere: within
// 1e-12 rad (6 µm), or 3e-8 rad next to a pole, where asin amplifies a
// last-bit difference between Go's math and the C library's to sqrt(ε).
func near(a LatLng, lat, lng float64) bool {
	d := greatCircleKm(latLng{a.Lat * degToRad, a.Lng * degToRad}, latLng{lat * degToRad, lng * degToRad}) / earthRadiusKm
	if math.Abs(lat) > 89.99 {
		return d < 3e-8
	}
	return d < 1e-12
}

func cellStrings(cs []Cell) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

func TestReferencePoints(t *testing.T) {
	n := 0
	for _, l := range loadReference(t) {
		if l.Kind != "point" {
			continue
		}
		for res, want := range l.Cells {
			got, ok := FromLatLng(LatLng{l.Lat, l.Lng}, res)
			if !ok || got.String() != want {
				t.Errorf("FromLatLng(%v, %v, %d) = %v, %v; want %s", l.Lat, l.Lng, res, got, ok, want)
			}
			n++
		}
	}
	t.Logf("%d point/resolution pairs", n)
}

func TestReferenceCells(t *testing.T) {
	n := 0
	for _, l := range loadReference(t) {
		if l.Kind == "validity" {
			if _, err := ParseCell(l.Cell); (err == nil) != l.Valid {
				t.Errorf("ParseCell(%s): err %v, reference valid=%v", l.Cell, err, l.Valid)
			}
			continue
		}
		if l.Kind != "cell" {
			continue
		}
		n++
		c, err := ParseCell(l.Cell)
		if err != nil {
			t.Errorf("ParseCell(%s): %v", l.Cell, err)
			continue
		}
		if c.IsPentagon() != l.Pentagon {
			t.Errorf("%s: pentagon %v, want %v", l.Cell, c.IsPentagon(), l.Pentagon)
		}
		if ctr := c.Center(); !near(ctr, l.Center[0], l.Center[1]) {
			t.Errorf("%s: centre %v, want %v", l.Cell, ctr, l.Center)
		}
		b := c.Boundary()
		if len(b) != len(l.Boundary) {
			t.Errorf("%s: %d boundary vertices, want %d", l.Cell, len(b), len(l.Boundary))
		} else {
			for i, v := range b {
				if !near(v, l.Boundary[i][0], l.Boundary[i][1]) {
					t.Errorf("%s: vertex %d = %v, want %v", l.Cell, i, v, l.Boundary[i])
				}
			}
		}
		for r, want := range l.Parents {
			if p, ok := c.Parent(r); !ok || p.String() != want {
				t.Errorf("%s: parent(%d) = %v, want %s", l.Cell, r, p, want)
			}
		}
		if c.Resolution() < maxRes {
			if got := cellStrings(c.Children(c.Resolution() + 1)); !slices.Equal(got, l.Children) {
				t.Errorf("%s: children %v, want %v", l.Cell, got, l.Children)
			}
		}
		disk, ok := c.DiskDistances(2)
		if !ok || len(disk) != len(l.Disk) {
			t.Errorf("%s: disk %v, want %v", l.Cell, disk, l.Disk)
			continue
		}
		for d := range disk {
			if got := cellStrings(disk[d]); !slices.Equal(got, l.Disk[d]) {
				t.Errorf("%s: ring %d = %v, want %v", l.Cell, d, got, l.Disk[d])
			}
		}
	}
	t.Logf("%d cells", n)
}

func TestReferencePolygons(t *testing.T) {
	for _, l := range loadReference(t) {
		if l.Kind != "polygon" {
			continue
		}
		p := Polygon{Outer: latLngs(l.Outer)}
		for _, h := range l.Holes {
			p.Holes = append(p.Holes, latLngs(h))
		}
		if got := cellStrings(PolygonCells(p, l.Res)); !slices.Equal(got, l.Cells) {
			t.Errorf("PolygonCells(%v, %d) = %d cells %v\nwant %d %v", l.Outer, l.Res, len(got), got, len(l.Cells), l.Cells)
		}
	}
}

func latLngs(ps [][2]float64) []LatLng {
	out := make([]LatLng, len(ps))
	for i, p := range ps {
		out[i] = LatLng{p[0], p[1]}
	}
	return out
}
