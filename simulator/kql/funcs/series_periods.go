package funcs

import (
	"math"
	"sort"

	"github.com/soclab/soclab/simulator/kql/types"
)

// series_periods_detect(x, min_period, max_period, num_periods) and
// series_periods_validate(x, period, ...): periods in bins and their scores in [0, 1].
//
// The score of a period p is the autocorrelation at lag p of the series after removing its
// least-squares line (the biased estimator: the lag-p products over the whole series'
// variance), clipped to [0, 1]; scores under minPeriodScore are noise and reported as 0.
// Periods need at least 4 points and at most half the series (the docs' bounds).
// Detection keeps the prominent peaks of the autocorrelation in [min_period, max_period] (the
// peak rises by at least minPeriodScore above the lowest value over the half period before it),
// best first,
// dropping candidates within 15% of a multiple of a better period (the harmonics and the
// shoulders of a peak); unused slots are 0, as in Kusto's output.
func registerSeriesPeriods(add func(*Func)) {
	outs := outputs("periods", types.Dynamic, "scores", types.Dynamic)
	add(tupleFunc("series_periods_detect", outs, []kind{kDyn, kNum, kNum, kNum}, 4, 4, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		num := int(numArg(a, 3, 1))
		if !good || num < 1 || num > 1024 {
			return nil
		}
		periods, scores := detectPeriods(vals, ok, numArg(a, 1, 0), numArg(a, 2, 0), num)
		return []any{floatsAny(periods), floatsAny(scores)}
	}))
	add(tupleFunc("series_periods_validate", outs, []kind{kDyn, kNum}, 2, 17, func(_ *Context, a []types.Value) []any {
		vals, ok, _, good := seriesOf(a[0])
		if !good {
			return nil
		}
		acf := periodScorer(vals, ok)
		periods, scores := make([]float64, 0, len(a)-1), make([]float64, 0, len(a)-1)
		for i := 1; i < len(a); i++ {
			p := numArg(a, i, 0)
			periods = append(periods, p)
			scores = append(scores, acf(p))
		}
		return []any{floatsAny(periods), floatsAny(scores)}
	}))
}

// minPeriodScore is the autocorrelation below which a period is not significant.
const minPeriodScore = 0.1

// periodScorer returns the score function of a series' periods (see registerSeriesPeriods);
// a fractional period is scored at its nearest whole lag.
func periodScorer(vals []float64, ok []bool) func(p float64) float64 {
	n := len(vals)
	d, den := detrend(vals, ok)
	return func(p float64) float64 {
		if !(p >= 4 && p <= float64(n/2)) {
			return 0
		}
		lag := int(math.Round(p))
		if lag < 4 || lag > n/2 {
			return 0
		}
		return clipScore(acf(d, den, lag))
	}
}

// acf is the biased autocorrelation of the detrended series d (sum of squares den) at lag.
func acf(d []float64, den float64, lag int) float64 {
	if den == 0 || lag < 0 || lag >= len(d) {
		return 0
	}
	num := 0.0
	for i := 0; i+lag < len(d); i++ {
		num += d[i] * d[i+lag]
	}
	return num / den
}

func clipScore(r float64) float64 {
	if r < minPeriodScore {
		return 0
	}
	return math.Min(r, 1)
}

// detrend removes the least-squares line of the present points (missing points become 0)
// and returns the sum of squares.
func detrend(vals []float64, ok []bool) ([]float64, float64) {
	var xs, ys []float64
	for i := range vals {
		if ok[i] && !math.IsNaN(vals[i]) && !math.IsInf(vals[i], 0) {
			xs = append(xs, float64(i))
			ys = append(ys, vals[i])
		}
	}
	slope, icpt, _, _ := lineFit(xs, ys)
	d := make([]float64, len(vals))
	den := 0.0
	for i := range vals {
		if ok[i] && !math.IsNaN(vals[i]) && !math.IsInf(vals[i], 0) {
			d[i] = vals[i] - (slope*float64(i) + icpt)
			den += d[i] * d[i]
		}
	}
	return d, den
}

// detectPeriods finds up to num periods in [minP, maxP] (see registerSeriesPeriods).
func detectPeriods(vals []float64, ok []bool, minP, maxP float64, num int) ([]float64, []float64) {
	periods, scores := make([]float64, num), make([]float64, num)
	n := len(vals)
	minP, maxP = math.Max(minP, 4), math.Min(maxP, float64(n/2))
	if !(minP <= maxP) {
		return periods, scores
	}
	lo, hi := int(math.Ceil(minP)), int(math.Floor(maxP))
	if lo > hi {
		return periods, scores
	}
	d, den := detrend(vals, ok)
	products := autocorrelations(d, hi+2)
	at := func(p int) float64 {
		if den == 0 || p < 0 || p >= len(products) {
			return 0
		}
		return products[p] / den
	}
	type cand struct {
		p int
		s float64
	}
	var cands []cand
	for p := lo; p <= hi; p++ {
		// A peak of the autocorrelation (not the decay from lag 0 at the lower bound).
		s := at(p)
		if clipScore(s) > 0 && s > at(p-1) && s >= at(p+1) && prominence(at, p) >= minPeriodScore {
			cands = append(cands, cand{p, clipScore(s)})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].s > cands[j].s })
	var chosen []int
	for _, c := range cands {
		if len(chosen) == num {
			break
		}
		if nearMultiple(c.p, chosen) {
			continue
		}
		periods[len(chosen)], scores[len(chosen)] = float64(c.p), c.s
		chosen = append(chosen, c.p)
	}
	return periods, scores
}

// prominence is how far the autocorrelation at p rises above its lowest value over [p/2, p]:
// a true period has a trough half a period before its peak; a ripple on the slow decay of a
// smooth series does not.
func prominence(at func(int) float64, p int) float64 {
	low := at(p)
	for k := p / 2; k < p; k++ {
		low = math.Min(low, at(k))
	}
	return at(p) - low
}

// nearMultiple reports whether q lies within 15% of a multiple of one of the periods.
func nearMultiple(q int, periods []int) bool {
	for _, p := range periods {
		k := math.Max(1, math.Round(float64(q)/float64(p)))
		if math.Abs(float64(q)-k*float64(p)) <= 0.15*k*float64(p) {
			return true
		}
	}
	return false
}
