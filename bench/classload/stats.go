package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// sample is one finished request.
type sample struct {
	kind   string
	took   time.Duration
	status int // HTTP status; 0: no answer (transport error or timeout)
	detail string
	what   string    // the request's query, shortened ("" for other requests)
	began  time.Time // when it was sent
}

// recorder collects samples from every goroutine.
type recorder struct {
	mu      sync.Mutex
	samples []sample
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

// slowest prints the n slowest queries (kind, time, when they were sent after start, the
// query): the tail the percentiles summarise.
func (r *recorder) slowest(w io.Writer, n int, start time.Time) {
	r.mu.Lock()
	ss := slices.Clone(r.samples)
	r.mu.Unlock()
	ss = slices.DeleteFunc(ss, func(s sample) bool { return s.what == "" }) // queries only
	slices.SortFunc(ss, func(a, b sample) int { return int(b.took - a.took) })
	for _, s := range ss[:min(n, len(ss))] {
		fmt.Fprintf(w, "  %-10s %9s ms  sent at +%5.1f s  %s\n", s.kind, ms(s.took), s.began.Sub(start).Seconds(), s.what)
	}
}

// kindStats summarises one kind of request.
type kindStats struct {
	kind                string
	n, failed           int
	p50, p99, max, mean time.Duration
	statuses            map[int]int
	details             map[string]int
}

func (r *recorder) summary() []kindStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	by := map[string][]sample{}
	for _, s := range r.samples {
		by[s.kind] = append(by[s.kind], s)
	}
	var out []kindStats
	for kind, ss := range by {
		ks := kindStats{kind: kind, n: len(ss), statuses: map[int]int{}, details: map[string]int{}}
		d := make([]time.Duration, len(ss))
		var sum time.Duration
		for i, s := range ss {
			d[i] = s.took
			sum += s.took
			ks.statuses[s.status]++
			if s.status != 200 {
				ks.failed++
			}
			if s.detail != "" {
				ks.details[s.detail]++
			}
		}
		slices.Sort(d)
		ks.p50, ks.p99, ks.max, ks.mean = pct(d, 50), pct(d, 99), d[len(d)-1], sum/time.Duration(len(d))
		out = append(out, ks)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].kind < out[j].kind })
	return out
}

// pct is the nearest-rank percentile of sorted durations.
func pct(d []time.Duration, p int) time.Duration {
	i := (len(d)*p + 99) / 100
	return d[max(0, min(len(d), i)-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

// print writes the table of kinds.
func printStats(w io.Writer, stats []kindStats) {
	fmt.Fprintf(w, "%-14s %7s %7s %9s %9s %9s %9s  %s\n", "kind", "n", "non-200", "p50 ms", "p99 ms", "max ms", "mean ms", "statuses")
	for _, k := range stats {
		var st []string
		for code, n := range k.statuses {
			st = append(st, fmt.Sprintf("%d×%d", code, n))
		}
		sort.Strings(st)
		fmt.Fprintf(w, "%-14s %7d %7d %9s %9s %9s %9s  %s\n", k.kind, k.n, k.failed, ms(k.p50), ms(k.p99), ms(k.max), ms(k.mean), strings.Join(st, " "))
		var ds []string
		for d, n := range k.details {
			ds = append(ds, fmt.Sprintf("%d× %s", n, d))
		}
		sort.Strings(ds)
		for _, d := range ds {
			fmt.Fprintf(w, "%14s   %s\n", "", d)
		}
	}
}
