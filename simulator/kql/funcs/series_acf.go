package funcs

import (
	"math"
	"math/cmplx"
)

// autocorrelations returns the lag products sum(d[i]·d[i+k]) of a series for every lag k <
// maxLag: directly for short series, through the FFT (|FFT(d)|² is the transform of the
// autocorrelation; zero padding to 2n avoids wrap-around) for long ones, so period detection
// over a month of minutes stays O(n log n) rather than O(n²).
func autocorrelations(d []float64, maxLag int) []float64 {
	n := len(d)
	maxLag = min(maxLag, n)
	out := make([]float64, maxLag)
	if n <= 512 {
		for k := range out {
			s := 0.0
			for i := 0; i+k < n; i++ {
				s += d[i] * d[i+k]
			}
			out[k] = s
		}
		return out
	}
	size := 1
	for size < 2*n {
		size <<= 1
	}
	buf := make([]complex128, size)
	for i, x := range d {
		buf[i] = complex(x, 0)
	}
	fft(buf, false)
	for i, c := range buf {
		buf[i] = complex(real(c)*real(c)+imag(c)*imag(c), 0)
	}
	fft(buf, true)
	for k := range out {
		out[k] = real(buf[k]) / float64(size)
	}
	return out
}

// fft is an in-place iterative radix-2 Cooley-Tukey transform (len(a) a power of two);
// inverse uses the conjugate twiddles and leaves the 1/n scaling to the caller.
func fft(a []complex128, inverse bool) {
	n := len(a)
	for i, j := 1, 0; i < n; i++ {
		bit := n >> 1
		for ; j&bit != 0; bit >>= 1 {
			j ^= bit
		}
		j ^= bit
		if i < j {
			a[i], a[j] = a[j], a[i]
		}
	}
	for length := 2; length <= n; length <<= 1 {
		ang := 2 * math.Pi / float64(length)
		if !inverse {
			ang = -ang
		}
		wl := cmplx.Rect(1, ang)
		for i := 0; i < n; i += length {
			w := complex(1, 0)
			for k := 0; k < length/2; k++ {
				u, v := a[i+k], a[i+k+length/2]*w
				a[i+k], a[i+k+length/2] = u+v, u-v
				w *= wl
			}
		}
	}
}
