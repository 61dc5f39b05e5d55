package h3

import "math"

const (
	degToRad = math.Pi / 180
	radToDeg = 180 / math.Pi
)

// FromLatLng is the cell at res containing a point given in degrees; ok is
// false for a resolution outside 0..15 or a coordinate that is not finite.
func FromLatLng(p LatLng, res int) (Cell, bool) {
	if res < 0 || res > maxRes || math.IsNaN(p.Lat) || math.IsInf(p.Lat, 0) || math.IsNaN(p.Lng) || math.IsInf(p.Lng, 0) {
		return 0, false
	}
	c := faceIJKToCell(geoToFaceIJK(latLng{p.Lat * degToRad, p.Lng * degToRad}, res), res)
	return c, c != 0
}

// faceIJKToCell encodes a face position as an index, walking up the
// resolutions to the base cell and rotating into the base cell's frame.
func faceIJKToCell(f faceIJK, res int) Cell {
	h := h3Init
	h = h&^(15<<modeOffset) | modeCell<<modeOffset
	h.setResolution(res)
	if res == 0 {
		if f.coord.i > maxFaceCoord || f.coord.j > maxFaceCoord || f.coord.k > maxFaceCoord {
			return 0
		}
		h.setBaseCell(f.baseCell())
		return h
	}
	bc := f
	ijk := &bc.coord
	for r := res - 1; r >= 0; r-- {
		last := *ijk
		var center coordIJK
		if isClassIII(r + 1) {
			ijk.upAp7()
			center = *ijk
			center.downAp7()
		} else {
			ijk.upAp7r()
			center = *ijk
			center.downAp7r()
		}
		diff := last.sub(center)
		diff.normalize()
		h.setDigit(r+1, diff.unitToDigit())
	}
	if ijk.i > maxFaceCoord || ijk.j > maxFaceCoord || ijk.k > maxFaceCoord {
		return 0
	}
	baseCell := bc.baseCell()
	h.setBaseCell(baseCell)
	numRots := bc.baseCellRot()
	if isBaseCellPentagon(baseCell) {
		// Never leave a pentagon in its deleted k sub-sequence.
		if h.leadingNonZeroDigit() == kAxesDigit {
			if baseCellIsCwOffset(baseCell, bc.face) {
				h = h.rotate60cw()
			} else {
				h = h.rotate60ccw()
			}
		}
		for i := 0; i < numRots; i++ {
			h = h.rotatePent60ccw()
		}
	} else {
		for i := 0; i < numRots; i++ {
			h = h.rotate60ccw()
		}
	}
	return h
}

// toFaceIJK finds the cell's centre on a face, moving it onto the right
// face when it spills over an icosahedron edge.
func (c Cell) toFaceIJK() faceIJK {
	bc := c.BaseCell()
	h := c
	if isBaseCellPentagon(bc) && h.leadingNonZeroDigit() == ikAxesDigit {
		h = h.rotate60cw()
	}
	f := baseCellData[bc].home
	res := h.Resolution()
	possibleOverage := isBaseCellPentagon(bc) || (res != 0 && f.coord != coordIJK{})
	for r := 1; r <= res; r++ {
		if isClassIII(r) {
			f.coord.downAp7()
		} else {
			f.coord.downAp7r()
		}
		f.coord.neighbor(h.digit(r))
	}
	if !possibleOverage {
		return f
	}
	orig := f.coord
	if isClassIII(res) {
		f.coord.downAp7r()
		res++
	}
	pentLeading4 := isBaseCellPentagon(bc) && h.leadingNonZeroDigit() == iAxesDigit
	if f.adjustOverageClassII(res, pentLeading4, false) != noOverage {
		if isBaseCellPentagon(bc) {
			for f.adjustOverageClassII(res, false, false) != noOverage {
			}
		}
		if res != h.Resolution() {
			f.coord.upAp7r()
		}
	} else if res != h.Resolution() {
		f.coord = orig
	}
	return f
}

// Center is the cell's centre in degrees.
func (c Cell) Center() LatLng {
	g := c.toFaceIJK().toGeo(c.Resolution())
	return LatLng{g.lat * radToDeg, g.lng * radToDeg}
}

// Boundary is the cell's vertices in degrees, counter-clockwise, not
// closed; more than 6 where an edge crosses an icosahedron edge.
func (c Cell) Boundary() []LatLng {
	f := c.toFaceIJK()
	var vs []latLng
	if c.IsPentagon() {
		vs = f.pentBoundary(c.Resolution())
	} else {
		vs = f.hexBoundary(c.Resolution())
	}
	out := make([]LatLng, len(vs))
	for i, v := range vs {
		out[i] = LatLng{v.lat * radToDeg, v.lng * radToDeg}
	}
	return out
}
