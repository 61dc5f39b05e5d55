package h3

import "math"

const (
	numFaces     = 20
	numBaseCells = 122
	maxRes       = 15
	hexVerts     = 6
	pentVerts    = 5
	twoPi        = 2 * math.Pi
	epsilon      = 0.0000000000000001
	// ap7RotRads is the rotation between class II and class III grids.
	ap7RotRads = 0.333473172251832115336090755351601070065900389
	// res0UGnomonic scales gnomonic distances at resolution 0.
	res0UGnomonic = 0.38196601125010500003
	sqrt7         = 2.6457513110645905905016157536392604257102
	// The edges of a face, as numbered in faceNeighbors.
	edgeIJ = 1
	edgeKI = 2
	edgeJK = 3
)

// latLng is a point in radians.
type latLng struct{ lat, lng float64 }

type vec2 struct{ x, y float64 }

type vec3 struct{ x, y, z float64 }

// posAngle brings an angle into [0, 2π).
func posAngle(rads float64) float64 {
	tmp := rads
	if rads < 0 {
		tmp = addL(rads, ldTwoPi)
	}
	if rads > ldTwoPi.hi { // rads >= 2π in long double
		tmp = addL(tmp, ldTwoPi.neg())
	}
	return tmp
}

func constrainLng(lng float64) float64 {
	for lng > math.Pi {
		lng -= twoPi
	}
	for lng < -math.Pi {
		lng += twoPi
	}
	return lng
}

// azimuth is the initial bearing from p1 to p2.
func azimuth(p1, p2 latLng) float64 {
	return math.Atan2(math.Cos(p2.lat)*math.Sin(p2.lng-p1.lng),
		math.Cos(p1.lat)*math.Sin(p2.lat)-math.Sin(p1.lat)*math.Cos(p2.lat)*math.Cos(p2.lng-p1.lng))
}

// azDistance is the point at a bearing and angular distance from p1.
func azDistance(p1 latLng, az, distance float64) latLng {
	if distance < epsilon {
		return p1
	}
	var p2 latLng
	az = posAngle(az)
	if az < epsilon || math.Abs(az-math.Pi) < epsilon {
		// Due north or south.
		if az < epsilon {
			p2.lat = p1.lat + distance
		} else {
			p2.lat = p1.lat - distance
		}
		switch {
		case math.Abs(p2.lat-math.Pi/2) < epsilon:
			p2 = latLng{math.Pi / 2, 0}
		case math.Abs(p2.lat+math.Pi/2) < epsilon:
			p2 = latLng{-math.Pi / 2, 0}
		default:
			p2.lng = constrainLng(p1.lng)
		}
		return p2
	}
	sinlat := math.Sin(p1.lat)*math.Cos(distance) + math.Cos(p1.lat)*math.Sin(distance)*math.Cos(az)
	sinlat = clamp1(sinlat)
	p2.lat = math.Asin(sinlat)
	switch {
	case math.Abs(p2.lat-math.Pi/2) < epsilon:
		p2 = latLng{math.Pi / 2, 0}
	case math.Abs(p2.lat+math.Pi/2) < epsilon:
		p2 = latLng{-math.Pi / 2, 0}
	default:
		sinlng := clamp1(math.Sin(az) * math.Sin(distance) / math.Cos(p2.lat))
		coslng := clamp1((math.Cos(distance) - math.Sin(p1.lat)*math.Sin(p2.lat)) / math.Cos(p1.lat) / math.Cos(p2.lat))
		p2.lng = constrainLng(p1.lng + math.Atan2(sinlng, coslng))
	}
	return p2
}

func clamp1(v float64) float64 { return max(-1, min(1, v)) }

func toVec3(g latLng) vec3 {
	r := math.Cos(g.lat)
	return vec3{math.Cos(g.lng) * r, math.Sin(g.lng) * r, math.Sin(g.lat)}
}

func squareDist(a, b vec3) float64 {
	dx, dy, dz := a.x-b.x, a.y-b.y, a.z-b.z
	return dx*dx + dy*dy + dz*dz
}

func (v vec2) mag() float64 { return math.Sqrt(v.x*v.x + v.y*v.y) }

// intersect is where line p0-p1 crosses line p2-p3.
func intersect(p0, p1, p2, p3 vec2) vec2 {
	s1 := vec2{p1.x - p0.x, p1.y - p0.y}
	s2 := vec2{p3.x - p2.x, p3.y - p2.y}
	t := (s2.x*(p0.y-p2.y) - s2.y*(p0.x-p2.x)) / (-s2.x*s1.y + s1.x*s2.y)
	return vec2{p0.x + t*s1.x, p0.y + t*s1.y}
}

// almostEquals compares with float32's epsilon, as the reference does.
func (v vec2) almostEquals(o vec2) bool {
	const fltEpsilon = 1.1920928955078125e-07
	return math.Abs(v.x-o.x) < fltEpsilon && math.Abs(v.y-o.y) < fltEpsilon
}

// isClassIII reports whether a resolution's grid is rotated (odd resolutions).
func isClassIII(res int) bool { return res%2 == 1 }
