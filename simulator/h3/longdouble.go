package h3

import "math"

// The reference declares its constants as long double, so on x86-64 an
// expression such as r * M_SQRT7 is computed in 80-bit precision and
// rounded once. These helpers carry each constant as a pair of float64
// (hi + lo) and round the same way, so that ill-conditioned spots (next to
// the poles at resolution 15) land where the reference puts them.

// ldConst is a constant as hi + lo.
type ldConst struct{ hi, lo float64 }

var (
	ldTwoPi         = ldConst{6.283185307179586, 2.4492935982947064e-16}
	ldAp7RotRads    = ldConst{0.3334731722518321, 2.0232894048364963e-17}
	ldRes0UGnomonic = ldConst{0.381966011250105, 1.3578041333706351e-17}
	ldSqrt7         = ldConst{2.6457513110645907, -1.2566948082017735e-16}
	ldSqrt3Over2    = ldConst{0.8660254037844386, 5.0175421109034514e-17}
)

// mulL is r*c rounded once.
func mulL(r float64, c ldConst) float64 {
	p := r * c.hi
	e := math.FMA(r, c.hi, -p)
	return p + (e + r*c.lo)
}

// divL is r/c rounded once.
func divL(r float64, c ldConst) float64 {
	q := r / c.hi
	rem := math.FMA(-q, c.hi, r) - q*c.lo
	return q + rem/c.hi
}

// addL is a+c rounded once.
func addL(a float64, c ldConst) float64 {
	s := a + c.hi
	bb := s - a
	err := (a - (s - bb)) + (c.hi - bb)
	return s + (err + c.lo)
}

func (c ldConst) neg() ldConst { return ldConst{-c.hi, -c.lo} }
