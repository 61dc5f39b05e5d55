// Command refgen writes testdata/reference.jsonl: cell ids, centres,
// boundaries, parents, children, disks and polygon fills computed by the
// H3 reference library (the C library through github.com/uber/h3-go, cgo).
// It is its own module so that the soclab module stays free of cgo; run it
// with `go run .` from this folder (needs a C compiler) only to regenerate.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	h3 "github.com/uber/h3-go/v4"
)

// Point is a point and its cell at every resolution.
type Point struct {
	Kind  string   `json:"kind"`
	Lat   float64  `json:"lat"`
	Lng   float64  `json:"lng"`
	Cells []string `json:"cells"`
}

// CellCase is what the reference says about one cell.
type CellCase struct {
	Kind     string       `json:"kind"`
	Cell     string       `json:"cell"`
	Valid    bool         `json:"valid"`
	Pentagon bool         `json:"pentagon"`
	Center   [2]float64   `json:"center"`
	Boundary [][2]float64 `json:"boundary,omitempty"`
	Parents  []string     `json:"parents,omitempty"`
	Children []string     `json:"children,omitempty"`
	Disk     [][]string   `json:"disk,omitempty"`
}

// PolyCase is a polygon fill.
type PolyCase struct {
	Kind  string         `json:"kind"`
	Outer [][2]float64   `json:"outer"`
	Holes [][][2]float64 `json:"holes,omitempty"`
	Res   int            `json:"res"`
	Cells []string       `json:"cells"`
}

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	rng := rand.New(rand.NewPCG(15, 2026))
	var pts [][2]float64
	for _, p := range [][2]float64{{90, 0}, {-90, 0}, {0, 180}, {0, -180}, {0, 0}, {45, 179.9999}, {-45, -179.9999},
		{40.689250859314974, -74.04450446039874}, {37.3615593, -122.0553238}, {47.64, -122.13}, {51.5074, -0.1278}} {
		pts = append(pts, p)
	}
	for i := 0; i < 400; i++ {
		// Uniform on the sphere.
		lat := math.Asin(2*rng.Float64()-1) * 180 / math.Pi
		pts = append(pts, [2]float64{lat, rng.Float64()*360 - 180})
	}
	for _, p := range pts {
		pt := Point{Kind: "point", Lat: p[0], Lng: p[1]}
		for res := 0; res <= 15; res++ {
			pt.Cells = append(pt.Cells, h3.LatLngToCell(h3.LatLng{Lat: p[0], Lng: p[1]}, res).String())
		}
		enc.Encode(pt)
	}
	var cells []h3.Cell
	for res := 0; res <= 15; res++ {
		for _, p := range h3.Pentagons(res) {
			cells = append(cells, p)
			if res%3 == 1 {
				for _, ring := range p.GridDiskDistances(1) {
					cells = append(cells, ring...)
				}
			}
		}
	}
	for i := 0; i < 160; i++ {
		p := pts[rng.IntN(len(pts))]
		cells = append(cells, h3.LatLngToCell(h3.LatLng{Lat: p[0], Lng: p[1]}, rng.IntN(16)))
	}
	for _, c := range h3.Res0Cells() {
		cells = append(cells, c)
	}
	seen := map[h3.Cell]bool{}
	for _, c := range cells {
		if c == 0 || seen[c] {
			continue
		}
		seen[c] = true
		cc := CellCase{Kind: "cell", Cell: c.String(), Valid: c.IsValid(), Pentagon: c.IsPentagon()}
		ll := c.LatLng()
		cc.Center = [2]float64{ll.Lat, ll.Lng}
		for _, v := range c.Boundary() {
			cc.Boundary = append(cc.Boundary, [2]float64{v.Lat, v.Lng})
		}
		for r := 0; r < c.Resolution(); r++ {
			cc.Parents = append(cc.Parents, c.Parent(r).String())
		}
		if c.Resolution() < 15 {
			cc.Children = strs(c.Children(c.Resolution() + 1))
		}
		for _, ring := range c.GridDiskDistances(2) {
			cc.Disk = append(cc.Disk, strs(ring))
		}
		enc.Encode(cc)
	}
	// Indexes the reference accepts or rejects as cells: bad mode, reserved
	// bits, digits past the resolution, a pentagon's deleted sub-sequence.
	for _, s := range []string{"0", "1", "8f2830828052d25", "821fffffffffffff", "85283473ffffffe", "88283082a1fffff",
		"807ffffffffffff", "8009fffffffffff", "8009ffffffffff", "115283473fffffff", "a5283473fffffff", "8d283473fffffff",
		"81083ffffffffff", "81087ffffffffff", "8f0800000000001", "8f0800000000000", "85f29383fffffff", "86f29380fffffff"} {
		c := h3.Cell(h3.IndexFromString(s))
		enc.Encode(CellCase{Kind: "validity", Cell: s, Valid: c.IsValid()})
	}
	polys := []PolyCase{
		{Outer: [][2]float64{{40.553, -3.659}, {40.409, -3.913}, {40.273, -3.729}, {40.440, -3.524}, {40.553, -3.659}}, Res: 6},
		{Outer: [][2]float64{{37.813318999983238, -122.4089866999972145}, {37.7198061999978478, -122.3544736999993603}, {37.8151571999998453, -122.4798767000009008}}, Res: 9},
		{Outer: [][2]float64{{10, 170}, {10, -170}, {-10, -170}, {-10, 170}}, Res: 3},
		{Outer: [][2]float64{{0, 0}, {0, 5}, {5, 5}, {5, 0}}, Holes: [][][2]float64{{{1, 1}, {1, 4}, {4, 4}, {4, 1}}}, Res: 5},
		{Outer: [][2]float64{{60, 10}, {62, 10}, {62, 12}, {60, 12}}, Res: 7},
	}
	// Around pentagon base cell 14 (res 0 centre 64.7N 10.5E).
	polys = append(polys, PolyCase{Outer: [][2]float64{{62.5, 7}, {67, 7}, {67, 14}, {62.5, 14}}, Res: 4})
	for _, p := range polys {
		gp := h3.GeoPolygon{GeoLoop: loop(p.Outer)}
		for _, h := range p.Holes {
			gp.Holes = append(gp.Holes, loop(h))
		}
		p.Kind = "polygon"
		p.Cells = strs(h3.PolygonToCells(gp, p.Res))
		enc.Encode(p)
	}
	fmt.Fprintln(os.Stderr, "points", len(pts), "cells", len(seen), "polygons", len(polys))
}

func loop(ps [][2]float64) h3.GeoLoop {
	var l h3.GeoLoop
	for _, p := range ps {
		l = append(l, h3.LatLng{Lat: p[0], Lng: p[1]})
	}
	return l
}

func strs(cs []h3.Cell) []string {
	out := []string{}
	for _, c := range cs {
		if c != 0 {
			out = append(out, c.String())
		}
	}
	return out
}
