package h3

import "math"

// coordIJK is a position on an aperture-7 hexagonal grid in the three
// 120°-apart axes i, j and k (only two are independent; normalized, at
// least one is zero and none is negative).
type coordIJK struct{ i, j, k int }

// direction is a digit of an index: which of the 7 cells of a parent a cell
// is, or which neighbour of a cell.
type direction int

const (
	centerDigit  direction = 0
	kAxesDigit   direction = 1
	jAxesDigit   direction = 2
	jkAxesDigit  direction = 3
	iAxesDigit   direction = 4
	ikAxesDigit  direction = 5
	ijAxesDigit  direction = 6
	invalidDigit direction = 7
	numDigits              = invalidDigit
	// pentagonSkippedDigit is the sub-sequence a pentagon lacks.
	pentagonSkippedDigit = kAxesDigit
)

// unitVecs are the unit vectors of each direction.
var unitVecs = [7]coordIJK{
	{0, 0, 0}, {0, 0, 1}, {0, 1, 0}, {0, 1, 1}, {1, 0, 0}, {1, 0, 1}, {1, 1, 0},
}

const sqrt3Over2 = 0.8660254037844386467637231707529361834714

// hex2dToCoordIJK finds the cell containing a point on a hex grid of unit
// edge length.
func hex2dToCoordIJK(x, y float64) coordIJK {
	var h coordIJK
	a1 := math.Abs(x)
	a2 := math.Abs(y)
	x2 := divL(a2, ldSqrt3Over2)
	x1 := a1 + x2/2
	m1 := int(x1)
	m2 := int(x2)
	r1 := x1 - float64(m1)
	r2 := x2 - float64(m2)
	if r1 < 0.5 {
		if r1 < 1.0/3.0 {
			if r2 < (1+r1)/2 {
				h.i, h.j = m1, m2
			} else {
				h.i, h.j = m1, m2+1
			}
		} else {
			if r2 < 1-r1 {
				h.j = m2
			} else {
				h.j = m2 + 1
			}
			if 1-r1 <= r2 && r2 < 2*r1 {
				h.i = m1 + 1
			} else {
				h.i = m1
			}
		}
	} else {
		if r1 < 2.0/3.0 {
			if r2 < 1-r1 {
				h.j = m2
			} else {
				h.j = m2 + 1
			}
			if 2*r1-1 < r2 && r2 < 1-r1 {
				h.i = m1
			} else {
				h.i = m1 + 1
			}
		} else {
			if r2 < r1/2 {
				h.i, h.j = m1+1, m2
			} else {
				h.i, h.j = m1+1, m2+1
			}
		}
	}
	// Fold across the axes when the point is in another quadrant.
	if x < 0 {
		if h.j%2 == 0 {
			axisi := h.j / 2
			diff := h.i - axisi
			h.i -= 2 * diff
		} else {
			axisi := (h.j + 1) / 2
			diff := h.i - axisi
			h.i -= 2*diff + 1
		}
	}
	if y < 0 {
		h.i -= (2*h.j + 1) / 2
		h.j = -h.j
	}
	h.normalize()
	return h
}

// toHex2d is the centre of the cell on the hex grid.
func (h coordIJK) toHex2d() (x, y float64) {
	i := h.i - h.k
	j := h.j - h.k
	return float64(i) - 0.5*float64(j), mulL(float64(j), ldSqrt3Over2)
}

func (h coordIJK) add(o coordIJK) coordIJK { return coordIJK{h.i + o.i, h.j + o.j, h.k + o.k} }
func (h coordIJK) sub(o coordIJK) coordIJK { return coordIJK{h.i - o.i, h.j - o.j, h.k - o.k} }
func (h coordIJK) scale(f int) coordIJK    { return coordIJK{h.i * f, h.j * f, h.k * f} }

// normalize makes every component non-negative with at least one zero.
func (h *coordIJK) normalize() {
	if h.i < 0 {
		h.j -= h.i
		h.k -= h.i
		h.i = 0
	}
	if h.j < 0 {
		h.i -= h.j
		h.k -= h.j
		h.j = 0
	}
	if h.k < 0 {
		h.i -= h.k
		h.j -= h.k
		h.k = 0
	}
	m := min(h.i, h.j, h.k)
	if m > 0 {
		h.i -= m
		h.j -= m
		h.k -= m
	}
}

// unitToDigit is the direction of a unit vector, or invalidDigit.
func (h coordIJK) unitToDigit() direction {
	c := h
	c.normalize()
	for d := centerDigit; d < numDigits; d++ {
		if c == unitVecs[d] {
			return d
		}
	}
	return invalidDigit
}

// combine scales three basis vectors by the components and normalizes.
func (h *coordIJK) combine(iv, jv, kv coordIJK) {
	*h = iv.scale(h.i).add(jv.scale(h.j)).add(kv.scale(h.k))
	h.normalize()
}

// upAp7 moves to the parent resolution (counter-clockwise aperture 7).
func (h *coordIJK) upAp7() {
	i := h.i - h.k
	j := h.j - h.k
	h.i = int(math.Round(float64(3*i-j) / 7))
	h.j = int(math.Round(float64(i+2*j) / 7))
	h.k = 0
	h.normalize()
}

// upAp7r moves to the parent resolution (clockwise aperture 7).
func (h *coordIJK) upAp7r() {
	i := h.i - h.k
	j := h.j - h.k
	h.i = int(math.Round(float64(2*i+j) / 7))
	h.j = int(math.Round(float64(3*j-i) / 7))
	h.k = 0
	h.normalize()
}

// downAp7 moves to the centre of the child resolution (counter-clockwise).
func (h *coordIJK) downAp7() { h.combine(coordIJK{3, 0, 1}, coordIJK{1, 3, 0}, coordIJK{0, 1, 3}) }

// downAp7r moves to the centre of the child resolution (clockwise).
func (h *coordIJK) downAp7r() { h.combine(coordIJK{3, 1, 0}, coordIJK{0, 3, 1}, coordIJK{1, 0, 3}) }

// downAp3 moves to the aperture-3 substrate grid (counter-clockwise).
func (h *coordIJK) downAp3() { h.combine(coordIJK{2, 0, 1}, coordIJK{1, 2, 0}, coordIJK{0, 1, 2}) }

// downAp3r moves to the aperture-3 substrate grid (clockwise).
func (h *coordIJK) downAp3r() { h.combine(coordIJK{2, 1, 0}, coordIJK{0, 2, 1}, coordIJK{1, 0, 2}) }

// neighbor moves one cell in direction d.
func (h *coordIJK) neighbor(d direction) {
	if d > centerDigit && d < numDigits {
		*h = h.add(unitVecs[d])
		h.normalize()
	}
}

func (h *coordIJK) rotate60ccw() { h.combine(coordIJK{1, 1, 0}, coordIJK{0, 1, 1}, coordIJK{1, 0, 1}) }
func (h *coordIJK) rotate60cw()  { h.combine(coordIJK{1, 0, 1}, coordIJK{1, 1, 0}, coordIJK{0, 1, 1}) }

var digitCCW = [8]direction{0, ikAxesDigit, jkAxesDigit, kAxesDigit, ijAxesDigit, iAxesDigit, jAxesDigit, 7}
var digitCW = [8]direction{0, jkAxesDigit, ijAxesDigit, jAxesDigit, ikAxesDigit, kAxesDigit, iAxesDigit, 7}

// rotate60ccw turns a digit 60° counter-clockwise.
func (d direction) rotate60ccw() direction { return digitCCW[d] }

// rotate60cw turns a digit 60° clockwise.
func (d direction) rotate60cw() direction { return digitCW[d] }
