package funcs

import (
	"math"
	"testing"
)

// The FFT path of autocorrelations gives the direct sums.
func TestAutocorrelationsFFT(t *testing.T) {
	d := make([]float64, 2000)
	for i := range d {
		d[i] = math.Sin(float64(i)/7) + float64(i%13)/5 - 1
	}
	fast := autocorrelations(d, 1000)
	for k := 0; k < 1000; k += 37 {
		s := 0.0
		for i := 0; i+k < len(d); i++ {
			s += d[i] * d[i+k]
		}
		if math.Abs(fast[k]-s) > 1e-6*math.Max(1, math.Abs(s)) {
			t.Fatalf("lag %d: fft %v, direct %v", k, fast[k], s)
		}
	}
}

// A month of one-minute bins (43,200 points) detects its daily period quickly.
func BenchmarkPeriodsDetectMonthOfMinutes(b *testing.B) {
	vals := make([]float64, 43200)
	ok := make([]bool, len(vals))
	seed := uint32(1)
	for i := range vals {
		seed = seed*1664525 + 1013904223 // noise without a period
		vals[i] = math.Sin(2*math.Pi*float64(i)/1440) + float64(seed>>24)/512
		ok[i] = true
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ps, _ := detectPeriods(vals, ok, 4, 21600, 1)
		if ps[0] < 1400 || ps[0] > 1480 {
			b.Fatalf("period %v", ps[0])
		}
	}
}
