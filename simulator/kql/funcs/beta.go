package funcs

import (
	"math"

	"github.com/soclab/soclab/simulator/kql/types"
)

// The beta distribution: beta_cdf, beta_pdf, beta_inv. Out-of-range
// arguments give NaN as Kusto does (beta_inv gives null for p outside [0, 1]).

func registerBeta(add func(*Func)) {
	n3 := []kind{kNum, kNum, kNum}
	add(fixed("beta_cdf", types.Real, n3, 3, 3, betaFunc(func(x, a, b float64) float64 {
		if x < 0 || x > 1 {
			return math.NaN()
		}
		return regIncBeta(x, a, b)
	})))
	add(fixed("beta_pdf", types.Real, n3, 3, 3, betaFunc(func(x, a, b float64) float64 {
		if x < 0 || x > 1 {
			return math.NaN()
		}
		return math.Exp((a-1)*math.Log(x) + (b-1)*math.Log1p(-x) - logBeta(a, b))
	})))
	add(fixed("beta_inv", types.Real, n3, 3, 3, func(_ *Context, a []types.Value) types.Value {
		p, ok := num(a[0])
		if !ok || p < 0 || p > 1 {
			return nullReal
		}
		return betaFunc(func(p, a, b float64) float64 {
			lo, hi := 0.0, 1.0
			for i := 0; i < 200 && hi-lo > 1e-17; i++ {
				mid := (lo + hi) / 2
				if regIncBeta(mid, a, b) < p {
					lo = mid
				} else {
					hi = mid
				}
			}
			return (lo + hi) / 2
		})(nil, a)
	}))
}

// betaFunc reads (x, alpha, beta); null arguments give null, and
// non-positive alpha or beta give NaN.
func betaFunc(f func(x, a, b float64) float64) EvalFunc {
	return func(_ *Context, args []types.Value) types.Value {
		x, ok1 := types.FromDynamic(args[0]).AsFloat()
		a, ok2 := types.FromDynamic(args[1]).AsFloat()
		b, ok3 := types.FromDynamic(args[2]).AsFloat()
		if !ok1 || !ok2 || !ok3 {
			return nullReal
		}
		if !(a > 0) || !(b > 0) || math.IsNaN(x) {
			return types.NewReal(math.NaN())
		}
		return types.NewReal(f(x, a, b))
	}
}

func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// regIncBeta is the regularized incomplete beta function I_x(a, b),
// by its continued fraction (modified Lentz), using the symmetry
// I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges faster.
func regIncBeta(x, a, b float64) float64 {
	switch {
	case x <= 0:
		return 0
	case x >= 1:
		return 1
	}
	if x > (a+1)/(a+b+2) {
		return 1 - regIncBeta(1-x, b, a)
	}
	front := math.Exp(a*math.Log(x)+b*math.Log1p(-x)-logBeta(a, b)) / a
	const tiny = 1e-300
	f, c, d := 1.0, 1.0, 0.0
	for i := 0; i <= 500; i++ {
		m := float64(i / 2)
		var num float64
		switch {
		case i == 0:
			num = 1
		case i%2 == 0:
			num = m * (b - m) * x / ((a + 2*m - 1) * (a + 2*m))
		default:
			num = -(a + m) * (a + b + m) * x / ((a + 2*m) * (a + 2*m + 1))
		}
		d = 1 + num*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		d = 1 / d
		c = 1 + num/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		cd := c * d
		f *= cd
		if math.Abs(1-cd) < 1e-16 {
			break
		}
	}
	return front * (f - 1)
}
