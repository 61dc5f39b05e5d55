package h3

const polyfillBuffer = 12

// PolygonCells lists the cells at res whose centres are inside the
// polygon, in the reference's order (its hash table's); nil when the
// polygon is degenerate (no height or width) or res is out of range.
func PolygonCells(p Polygon, res int) []Cell {
	if len(p.Outer) == 0 || res < 0 || res > maxRes {
		return nil
	}
	outer := toRads(p.Outer)
	holes := make([][]latLng, len(p.Holes))
	boxes := []bbox{loopBBox(outer)}
	totalVerts := len(outer)
	for i, h := range p.Holes {
		holes[i] = toRads(h)
		boxes = append(boxes, loopBBox(holes[i]))
		totalVerts += len(h)
	}
	size, ok := bboxHexEstimate(boxes[0], res)
	if !ok {
		return nil
	}
	size = max(size, totalVerts) + polyfillBuffer
	inside := func(c latLng) bool {
		if !pointInLoop(outer, boxes[0], c) {
			return false
		}
		for i, h := range holes {
			if pointInLoop(h, boxes[i+1], c) {
				return false
			}
		}
		return true
	}
	search := make([]Cell, 0, size)
	found := make([]Cell, size)
	// Seed the search with the cells along every edge.
	for _, loop := range append([][]latLng{outer}, holes...) {
		if !edgeCells(loop, res, found, &search) {
			return nil
		}
	}
	out := make([]Cell, size)
	for len(search) > 0 {
		var next []Cell
		for _, s := range search {
			ring, _, _ := diskRaw(s, 1)
			for _, hex := range ring {
				if hex == 0 {
					continue
				}
				loc, ok := probe(out, hex)
				if !ok {
					return nonZero(out)
				}
				if out[loc] == hex {
					continue
				}
				if !inside(hex.toFaceIJK().toGeo(hex.Resolution())) {
					continue
				}
				out[loc] = hex
				next = append(next, hex)
			}
		}
		search = next
	}
	return nonZero(out)
}

// probe finds hex's slot in an open-addressing table, or the empty slot
// where it goes; ok is false when the table is full.
func probe(table []Cell, hex Cell) (int, bool) {
	n := uint64(len(table))
	loc := uint64(hex) % n
	for loops := uint64(0); table[loc] != 0 && table[loc] != hex; loops++ {
		if loops > n {
			return 0, false
		}
		loc = (loc + 1) % n
	}
	return int(loc), true
}

// edgeCells adds the cells along a loop's edges (sampled about one per
// cell diameter) to search, once each.
func edgeCells(loop []latLng, res int, found []Cell, search *[]Cell) bool {
	for i, a := range loop {
		b := loop[(i+1)%len(loop)]
		n, ok := lineHexEstimate(a, b, res)
		if !ok {
			return false
		}
		for j := 0; j < n; j++ {
			p := latLng{
				a.lat*float64(n-j)/float64(n) + b.lat*float64(j)/float64(n),
				a.lng*float64(n-j)/float64(n) + b.lng*float64(j)/float64(n),
			}
			hex := faceIJKToCell(geoToFaceIJK(p, res), res)
			loc, ok := probe(found, hex)
			if !ok {
				return false
			}
			if found[loc] == hex {
				continue
			}
			found[loc] = hex
			*search = append(*search, hex)
		}
	}
	return true
}

func toRads(loop []LatLng) []latLng {
	out := make([]latLng, len(loop))
	for i, p := range loop {
		out[i] = latLng{p.Lat * degToRad, p.Lng * degToRad}
	}
	return out
}

func nonZero(cells []Cell) []Cell {
	var out []Cell
	for _, c := range cells {
		if c != 0 {
			out = append(out, c)
		}
	}
	return out
}

var hexAreaAvgM2 = [16]float64{
	4.357449416078390e+12, 6.097884417941339e+11, 8.680178039899731e+10,
	1.239343465508818e+10, 1.770347654491309e+09, 2.529038581819452e+08,
	3.612906216441250e+07, 5.161293359717198e+06, 7.373275975944188e+05,
	1.053325134272069e+05, 1.504750190766437e+04, 2.149643129451882e+03,
	3.070918756316063e+02, 4.387026794728301e+01, 6.267181135324322e+00,
	8.953115907605802e-01,
}

// HexagonAreaAvgM2 is the average area of a cell at res in square metres
// (0 for a resolution outside 0..15).
func HexagonAreaAvgM2(res int) float64 {
	if res < 0 || res > maxRes {
		return 0
	}
	return hexAreaAvgM2[res]
}
