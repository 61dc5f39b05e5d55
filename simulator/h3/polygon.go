package h3

import "math"

const earthRadiusKm = 6371.007180918475

// Polygon is an outer loop and holes, in degrees; a loop may repeat its
// first vertex at the end.
type Polygon struct {
	Outer []LatLng
	Holes [][]LatLng
}

type bbox struct{ north, south, east, west float64 }

func (b bbox) transmeridian() bool { return b.east < b.west }

func (b bbox) contains(p latLng) bool {
	if p.lat < b.south || p.lat > b.north {
		return false
	}
	if b.transmeridian() {
		return p.lng >= b.west || p.lng <= b.east
	}
	return p.lng >= b.west && p.lng <= b.east
}

func loopBBox(loop []latLng) bbox {
	if len(loop) == 0 {
		return bbox{}
	}
	b := bbox{south: math.MaxFloat64, west: math.MaxFloat64, north: -math.MaxFloat64, east: -math.MaxFloat64}
	minPosLng, maxNegLng := math.MaxFloat64, -math.MaxFloat64
	trans := false
	for i, p := range loop {
		next := loop[(i+1)%len(loop)]
		b.south = min(b.south, p.lat)
		b.west = min(b.west, p.lng)
		b.north = max(b.north, p.lat)
		b.east = max(b.east, p.lng)
		if p.lng > 0 && p.lng < minPosLng {
			minPosLng = p.lng
		}
		if p.lng < 0 && p.lng > maxNegLng {
			maxNegLng = p.lng
		}
		if math.Abs(p.lng-next.lng) > math.Pi {
			trans = true
		}
	}
	if trans {
		b.east, b.west = maxNegLng, minPosLng
	}
	return b
}

// pointInLoop is the reference's ray-casting test, antimeridian-aware.
func pointInLoop(loop []latLng, b bbox, p latLng) bool {
	if !b.contains(p) {
		return false
	}
	trans := b.transmeridian()
	norm := func(lng float64) float64 {
		if trans && lng < 0 {
			return lng + twoPi
		}
		return lng
	}
	contains := false
	lat, lng := p.lat, norm(p.lng)
	for i := range loop {
		a, c := loop[i], loop[(i+1)%len(loop)]
		if a.lat > c.lat {
			a, c = c, a
		}
		if lat == a.lat || lat == c.lat {
			lat += 2.220446049250313e-16
		}
		if lat < a.lat || lat > c.lat {
			continue
		}
		aLng, cLng := norm(a.lng), norm(c.lng)
		if aLng == lng || cLng == lng {
			lng -= 2.220446049250313e-16
		}
		ratio := (lat - a.lat) / (c.lat - a.lat)
		if norm(aLng+(cLng-aLng)*ratio) > lng {
			contains = !contains
		}
	}
	return contains
}

func greatCircleKm(a, b latLng) float64 {
	sinLat := math.Sin((b.lat - a.lat) / 2)
	sinLng := math.Sin((b.lng - a.lng) / 2)
	x := sinLat*sinLat + math.Cos(a.lat)*math.Cos(b.lat)*sinLng*sinLng
	return 2 * math.Atan2(math.Sqrt(x), math.Sqrt(1-x)) * earthRadiusKm
}

// pentagonRadiusKm is the centre-to-vertex distance of the first pentagon
// at res, the reference's yardstick for its size estimates.
func pentagonRadiusKm(res int) float64 {
	p := h3Init
	p = p&^(15<<modeOffset) | modeCell<<modeOffset
	p.setResolution(res)
	p.setBaseCell(4)
	for r := 1; r <= res; r++ {
		p.setDigit(r, centerDigit)
	}
	f := p.toFaceIJK()
	center := f.toGeo(res)
	return greatCircleKm(center, f.pentBoundary(res)[0])
}

func bboxHexEstimate(b bbox, res int) (int, bool) {
	r := pentagonRadiusKm(res)
	pentArea := 0.8 * (2.59807621135 * r * r)
	p1 := latLng{b.north, b.east}
	p2 := latLng{b.south, b.west}
	d := greatCircleKm(p1, p2)
	lngDiff := math.Abs(p1.lng - p2.lng)
	latDiff := math.Abs(p1.lat - p2.lat)
	if lngDiff == 0 || latDiff == 0 {
		return 0, false
	}
	ratio := max(lngDiff, latDiff) / min(lngDiff, latDiff)
	est := math.Ceil(d * d / min(3, ratio) / pentArea)
	if math.IsInf(est, 0) || math.IsNaN(est) {
		return 0, false
	}
	return max(int(est), 1), true
}

func lineHexEstimate(a, b latLng, res int) (int, bool) {
	est := math.Ceil(greatCircleKm(a, b) / (2 * pentagonRadiusKm(res)))
	if math.IsInf(est, 0) || math.IsNaN(est) {
		return 0, false
	}
	return max(int(est), 1), true
}
