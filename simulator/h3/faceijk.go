package h3

import "math"

// faceIJK is a position on the ijk grid of one icosahedron face.
type faceIJK struct {
	face  int
	coord coordIJK
}

// faceOrientIJK says how to move from one face's coordinates into a
// neighbour's: translate, then rotate 60° counter-clockwise ccwRot60 times.
type faceOrientIJK struct {
	face      int
	translate coordIJK
	ccwRot60  int
}

// overage says whether a position spilled off its face.
type overage int

const (
	noOverage overage = iota
	faceEdge
	newFace
)

// maxDimByCIIres is the largest ijk sum on a face at each class II resolution.
var maxDimByCIIres = [17]int{2, -1, 14, -1, 98, -1, 686, -1, 4802, -1, 33614, -1, 235298, -1, 1647086, -1, 11529602}

// unitScaleByCIIres is the length of a face's unit vector at each class II resolution.
var unitScaleByCIIres = [17]int{1, -1, 7, -1, 49, -1, 343, -1, 2401, -1, 16807, -1, 117649, -1, 823543, -1, 5764801}

// geoToFaceIJK finds the face and cell of a point at a resolution.
func geoToFaceIJK(g latLng, res int) faceIJK {
	face, v := geoToHex2d(g, res)
	return faceIJK{face, hex2dToCoordIJK(v.x, v.y)}
}

// geoToHex2d projects a point gnomonically onto its closest face.
func geoToHex2d(g latLng, res int) (int, vec2) {
	face, sqd := closestFace(g)
	r := math.Acos(1 - sqd/2)
	if r < epsilon {
		return face, vec2{}
	}
	theta := posAngle(faceAxesAzRadsCII[face][0] - posAngle(azimuth(faceCenterGeo[face], g)))
	if isClassIII(res) {
		theta = posAngle(addL(theta, ldAp7RotRads.neg()))
	}
	r = divL(math.Tan(r), ldRes0UGnomonic)
	for i := 0; i < res; i++ {
		r = mulL(r, ldSqrt7)
	}
	return face, vec2{r * math.Cos(theta), r * math.Sin(theta)}
}

// hex2dToGeo is the inverse projection; substrate means the point is on
// the aperture-3 grid used for vertices.
func hex2dToGeo(v vec2, face, res int, substrate bool) latLng {
	r := v.mag()
	if r < epsilon {
		return faceCenterGeo[face]
	}
	theta := math.Atan2(v.y, v.x)
	for i := 0; i < res; i++ {
		r = divL(r, ldSqrt7)
	}
	if substrate {
		r /= 3
		if isClassIII(res) {
			r = divL(r, ldSqrt7)
		}
	}
	r = math.Atan(mulL(r, ldRes0UGnomonic))
	if !substrate && isClassIII(res) {
		theta = posAngle(addL(theta, ldAp7RotRads))
	}
	theta = posAngle(faceAxesAzRadsCII[face][0] - theta)
	return azDistance(faceCenterGeo[face], theta, r)
}

func (h faceIJK) toGeo(res int) latLng {
	x, y := h.coord.toHex2d()
	return hex2dToGeo(vec2{x, y}, h.face, res, false)
}

func closestFace(g latLng) (int, float64) {
	v := toVec3(g)
	face, sqd := 0, 5.0
	for f := 0; f < numFaces; f++ {
		if d := squareDist(faceCenterPoint[f], v); d < sqd {
			face, sqd = f, d
		}
	}
	return face, sqd
}

var (
	hexVertsCII  = [hexVerts]coordIJK{{2, 1, 0}, {1, 2, 0}, {0, 2, 1}, {0, 1, 2}, {1, 0, 2}, {2, 0, 1}}
	hexVertsCIII = [hexVerts]coordIJK{{5, 4, 0}, {1, 5, 0}, {0, 5, 4}, {0, 1, 5}, {4, 0, 5}, {5, 0, 1}}
)

// verts is the cell's vertices on the substrate grid (n = 5 for a
// pentagon, 6 for a hexagon) and the substrate's resolution.
func (h faceIJK) verts(res, n int) ([]faceIJK, int) {
	vs := hexVertsCII[:n]
	if isClassIII(res) {
		vs = hexVertsCIII[:n]
	}
	c := h.coord
	c.downAp3()
	c.downAp3r()
	if isClassIII(res) {
		c.downAp7r()
		res++
	}
	out := make([]faceIJK, n)
	for i, v := range vs {
		p := c.add(v)
		p.normalize()
		out[i] = faceIJK{h.face, p}
	}
	return out, res
}

// faceEdgeVecs are the substrate-grid corners of a face's triangle.
func faceEdge2d(adjRes, dir int) (vec2, vec2) {
	maxDim := float64(maxDimByCIIres[adjRes])
	v0 := vec2{3 * maxDim, 0}
	v1 := vec2{-1.5 * maxDim, mulL(3*maxDim, ldSqrt3Over2)}
	v2 := vec2{-1.5 * maxDim, mulL(-3*maxDim, ldSqrt3Over2)}
	switch dir {
	case edgeIJ:
		return v0, v1
	case edgeJK:
		return v1, v2
	default:
		return v2, v0
	}
}

func hex2d(c coordIJK) vec2 {
	x, y := c.toHex2d()
	return vec2{x, y}
}

// hexBoundary is a hexagon's boundary, with the extra vertices where its
// edges cross an icosahedron edge (class III only).
func (h faceIJK) hexBoundary(res int) []latLng {
	fverts, adjRes := h.verts(res, hexVerts)
	out := make([]latLng, 0, 10)
	lastFace := -1
	lastOverage := noOverage
	for vert := 0; vert < hexVerts+1; vert++ {
		v := vert % hexVerts
		fijk := fverts[v]
		ov := fijk.adjustOverageClassII(adjRes, false, true)
		if isClassIII(res) && vert > 0 && fijk.face != lastFace && lastOverage != faceEdge {
			lastV := (v + 5) % hexVerts
			orig0 := hex2d(fverts[lastV].coord)
			orig1 := hex2d(fverts[v].coord)
			face2 := lastFace
			if lastFace == h.face {
				face2 = fijk.face
			}
			e0, e1 := faceEdge2d(adjRes, adjacentFaceDir[h.face][face2])
			inter := intersect(orig0, orig1, e0, e1)
			if !orig0.almostEquals(inter) && !orig1.almostEquals(inter) {
				out = append(out, hex2dToGeo(inter, h.face, adjRes, true))
			}
		}
		if vert < hexVerts {
			out = append(out, hex2dToGeo(hex2d(fijk.coord), fijk.face, adjRes, true))
		}
		lastFace = fijk.face
		lastOverage = ov
	}
	return out
}

// pentBoundary is a pentagon's boundary, with the extra vertices where its
// edges cross an icosahedron edge (class III only).
func (h faceIJK) pentBoundary(res int) []latLng {
	fverts, adjRes := h.verts(res, pentVerts)
	out := make([]latLng, 0, 10)
	var last faceIJK
	for vert := 0; vert < pentVerts+1; vert++ {
		v := vert % pentVerts
		fijk := fverts[v]
		fijk.adjustPentVertOverage(adjRes)
		if isClassIII(res) && vert > 0 {
			tmp := fijk
			orig0 := hex2d(last.coord)
			orient := faceNeighbors[tmp.face][adjacentFaceDir[tmp.face][last.face]]
			tmp.face = orient.face
			for i := 0; i < orient.ccwRot60; i++ {
				tmp.coord.rotate60ccw()
			}
			tmp.coord = tmp.coord.add(orient.translate.scale(unitScaleByCIIres[adjRes] * 3))
			tmp.coord.normalize()
			orig1 := hex2d(tmp.coord)
			e0, e1 := faceEdge2d(adjRes, adjacentFaceDir[tmp.face][fijk.face])
			inter := intersect(orig0, orig1, e0, e1)
			out = append(out, hex2dToGeo(inter, tmp.face, adjRes, true))
		}
		if vert < pentVerts {
			out = append(out, hex2dToGeo(hex2d(fijk.coord), fijk.face, adjRes, true))
		}
		last = fijk
	}
	return out
}

// adjustOverageClassII moves a class II position that spilled off its face
// onto the neighbouring face.
func (h *faceIJK) adjustOverageClassII(res int, pentLeading4, substrate bool) overage {
	ov := noOverage
	ijk := &h.coord
	maxDim := maxDimByCIIres[res]
	if substrate {
		maxDim *= 3
	}
	sum := ijk.i + ijk.j + ijk.k
	if substrate && sum == maxDim {
		return faceEdge
	}
	if sum <= maxDim {
		return ov
	}
	ov = newFace
	var orient faceOrientIJK
	switch {
	case ijk.k > 0 && ijk.j > 0:
		orient = faceNeighbors[h.face][edgeJK]
	case ijk.k > 0:
		orient = faceNeighbors[h.face][edgeKI]
		if pentLeading4 {
			// Rotate out of the pentagon's missing sequence.
			origin := coordIJK{maxDim, 0, 0}
			tmp := ijk.sub(origin)
			tmp.rotate60cw()
			*ijk = tmp.add(origin)
		}
	default:
		orient = faceNeighbors[h.face][edgeIJ]
	}
	h.face = orient.face
	for i := 0; i < orient.ccwRot60; i++ {
		ijk.rotate60ccw()
	}
	unitScale := unitScaleByCIIres[res]
	if substrate {
		unitScale *= 3
	}
	*ijk = ijk.add(orient.translate.scale(unitScale))
	ijk.normalize()
	if substrate && ijk.i+ijk.j+ijk.k == maxDim {
		ov = faceEdge
	}
	return ov
}

// adjustPentVertOverage moves a pentagon vertex until it is on its face.
func (h *faceIJK) adjustPentVertOverage(res int) overage {
	for {
		if ov := h.adjustOverageClassII(res, false, true); ov != newFace {
			return ov
		}
	}
}
