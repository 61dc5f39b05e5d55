package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

type config struct {
	soclab, challenge, state string
	learners, rounds         int
	hostile                  bool
	hostileMax               int
	timeout, reqTimeout      time.Duration
	serveArgs                string
	restart                  bool
	slowest                  int
	settle                   time.Duration
	think                    time.Duration
}

func main() {
	var cfg config
	flag.StringVar(&cfg.soclab, "soclab", "", "the soclab binary to run (go build -o /tmp/soclab ./cmd/soclab)")
	flag.StringVar(&cfg.challenge, "challenge", "challenge.md", "the lab text the rules and queries are read from")
	flag.StringVar(&cfg.state, "state", "", "state folder (default: a new temporary one, removed at the end)")
	flag.IntVar(&cfg.learners, "learners", 30, "learner tenants working at the same time")
	flag.IntVar(&cfg.rounds, "rounds", 3, "times each learner runs the lab's queries and grades")
	flag.BoolVar(&cfg.hostile, "hostile", false, "add a hostile tenant sending the issue's queries in a loop")
	flag.IntVar(&cfg.hostileMax, "hostile-max", 200, "at most this many hostile requests")
	flag.DurationVar(&cfg.timeout, "timeout", 15*time.Minute, "stop the run after this long")
	flag.DurationVar(&cfg.reqTimeout, "request-timeout", 2*time.Minute, "client timeout of one request")
	flag.StringVar(&cfg.serveArgs, "serve-args", "", "extra flags for soclab serve (space-separated)")
	flag.BoolVar(&cfg.restart, "restart", true, "restart the server at the end and time its first answer")
	flag.IntVar(&cfg.slowest, "slowest", 8, "list this many of the slowest learner requests")
	flag.DurationVar(&cfg.settle, "settle", 0, "after the warm-up, wait at most this long for the server to be idle before the learners start (the instructor added the tenants before class; 0: start at once)")
	flag.DurationVar(&cfg.think, "think", 2*time.Second, "a learner's mean pause before each command (az's own start-up is ~0.4 s; a person also reads the answer); 0: the stress model, every request sent the moment the last one answered")
	flag.Parse()
	if err := run(cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "classload:", err)
		os.Exit(1)
	}
}

func run(cfg config, out io.Writer) error {
	if cfg.soclab == "" {
		return fmt.Errorf("-soclab is required")
	}
	if cfg.think < 0 || cfg.think > time.Minute {
		return fmt.Errorf("-think must be in [0, 1m]")
	}
	if cfg.learners < 1 || cfg.learners > 500 || cfg.rounds < 1 || cfg.rounds > 100 {
		return fmt.Errorf("-learners must be in [1, 500] and -rounds in [1, 100]")
	}
	lt, err := readLab(cfg.challenge)
	if err != nil {
		return err
	}
	if cfg.state == "" {
		dir, err := os.MkdirTemp("", "classload-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.state = filepath.Join(dir, "state")
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	srv := &labServer{bin: cfg.soclab, state: cfg.state, args: strings.Fields(cfg.serveArgs)}
	if _, err := srv.start(time.Minute); err != nil {
		return err
	}
	defer srv.stop()
	fmt.Fprintf(out, "classload: %d learners × %d rounds, think %s, hostile %v, server pid %d on %s (%s)\n",
		cfg.learners, cfg.rounds, cfg.think, cfg.hostile, srv.info.PID, srv.info.Addr, firstLine(srv.log.String(), "soclab: memory"))
	ctl := &http.Client{Timeout: cfg.reqTimeout}
	cloud, err := srv.cloudClient(cfg.reqTimeout, 64)
	if err != nil {
		return err
	}

	instructor, err := srv.instructorToken()
	if err != nil {
		return err
	}
	// Tenants (not timed: the instructor's preparation).
	names := make([]string, cfg.learners)
	for i := range names {
		names[i] = fmt.Sprintf("learner%03d", i+1)
	}
	if cfg.hostile {
		names = append(names, "hostile")
	}
	people := make([]*learner, len(names))
	for i, n := range names {
		if _, err := srv.control(ctl, instructor, "POST", "tenants", map[string]string{"name": n}, nil); err != nil {
			return fmt.Errorf("add tenant %s: %w", n, err)
		}
		l := &learner{name: n}
		if _, err := srv.control(ctl, instructor, "GET", "credentials?tenant="+n, nil, &l.cred); err != nil {
			return fmt.Errorf("credentials of %s: %w", n, err)
		}
		people[i] = l
	}
	// The instructor starts the server before the class: the shared telemetry is generated
	// once before the learners arrive (timed on its own: a hunting query of one learner).
	warm := time.Now()
	wrec := &recorder{}
	if err := people[0].signIn(ctx, cloud, wrec); err != nil {
		return err
	}
	if err := people[0].hunt(ctx, cloud, wrec, "IdentityInfo | take 1"); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	fmt.Fprintf(out, "warm-up (first answer of a fresh server, the shared telemetry generated): %.2f s\n", time.Since(warm).Seconds())
	settle(srv, cfg.settle, out)
	rss0 := srv.rss()
	srv.resetPeak()
	cpu0, load0 := srv.cpuSeconds(), loadAverage()

	rec := &recorder{}
	var hostileRec recorder
	learnersDone := make(chan struct{})
	var hostileWG sync.WaitGroup
	if cfg.hostile {
		h := people[len(people)-1]
		people = people[:len(people)-1]
		hostileWG.Add(1)
		go func() {
			defer hostileWG.Done()
			runHostile(ctx, cloud, &hostileRec, h, lt, cfg.hostileMax, learnersDone)
		}()
	}

	began := time.Now()
	parts := &gradeParts{start: began}
	var wg sync.WaitGroup
	errs := make(chan error, len(people))
	start := make(chan struct{})
	for i, l := range people {
		l.pace = newPacing(cfg.think, i)
		l.gradeParts = parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if err := l.work(ctx, cloud, ctl, srv, rec, lt, cfg.rounds); err != nil {
				errs <- err
			}
		}()
	}
	close(start)
	wg.Wait()
	wall := time.Since(began)
	close(learnersDone)
	hostileWG.Wait()
	close(errs)
	alive := srv.alive()
	peak, rssEnd := srv.peak(), srv.rss()
	cpu := srv.cpuSeconds() - cpu0
	if !alive {
		cpu = 0 // the process is gone with its counters
	}

	fmt.Fprintf(out, "\nlearner requests (all learners start together at %s, mean think %s; wall %.1f s)\n", began.UTC().Format("15:04:05.000"), cfg.think, wall.Seconds())
	stats := rec.summary()
	printStats(out, stats)
	parts.print(out)
	total := 0
	for _, k := range stats {
		total += k.n
	}
	fmt.Fprintf(out, "throughput: %d requests in %.1f s = %.1f req/s; server CPU %.0f s (%.2f cores); machine load average %s at the start, %s at the end\n",
		total, wall.Seconds(), float64(total)/wall.Seconds(), cpu, cpu/wall.Seconds(), load0, loadAverage())
	fmt.Fprintln(out, "slowest learner queries:")
	rec.slowest(out, cfg.slowest, began)
	if cfg.hostile {
		fmt.Fprintln(out, "\nhostile tenant")
		printStats(out, hostileRec.summary())
	}
	fmt.Fprintf(out, "\nserver RSS: %.0f MiB after adding the tenants, peak %.0f MiB during the run, %.0f MiB at its end; alive: %v\n",
		mib(rss0), mib(peak), mib(rssEnd), alive)
	n := 0
	for err := range errs {
		if n < 5 {
			fmt.Fprintln(out, "learner error:", err)
		}
		n++
	}
	if n > 0 {
		fmt.Fprintf(out, "%d learners stopped on an error\n", n)
	}
	fmt.Fprintln(out, "\ntargets")
	verdicts(out, stats, &hostileRec, cfg, alive)
	if !alive {
		return fmt.Errorf("the server died during the run: %s", deathCause(srv.log.String()))
	}
	if cfg.restart {
		return timeRestart(ctx, srv, cloud, people[0], lt, out)
	}
	return nil
}

// work is one learner's session: sign in, Task 1, launch, then rounds of queries and grading.
func (l *learner) work(ctx context.Context, cloud, ctl *http.Client, srv *labServer, rec *recorder, lt *labText, rounds int) error {
	if err := l.signIn(ctx, cloud, rec); err != nil {
		return err
	}
	if err := l.setUp(ctx, cloud, rec, lt); err != nil {
		return err
	}
	l.pace.pause(ctx)
	if err := timedControl(srv, ctl, l.cred.ControlToken, rec, "launch", "POST", "attack/launch", map[string]string{"tenant": l.name, "speed": "instant"}); err != nil {
		return fmt.Errorf("%s: launch: %w", l.name, err)
	}
	for range rounds {
		for _, q := range lt.labQueries() {
			if _, err := l.query(ctx, cloud, rec, "la-query", q); err != nil {
				return fmt.Errorf("%s: %w", l.name, err)
			}
		}
		for _, q := range lt.Hunting {
			if err := l.hunt(ctx, cloud, rec, q); err != nil {
				return fmt.Errorf("%s: hunt: %w", l.name, err)
			}
		}
		l.pace.pause(ctx)
		if err := timedGrade(srv, ctl, l, rec); err != nil {
			return fmt.Errorf("%s: grade: %w", l.name, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}

// timedControl calls a control endpoint and records it.
func timedControl(srv *labServer, ctl *http.Client, token string, rec *recorder, kind, method, path string, in any) error {
	began := time.Now()
	code, err := srv.control(ctl, token, method, path, in, nil)
	s := sample{kind: kind, took: time.Since(began), status: code}
	if err != nil && code == 200 {
		s.status = 0
	}
	if err != nil {
		s.detail = shortErr(err)
	}
	rec.add(s)
	return err
}

// timeRestart stops the server, starts it again on the same state and times the first
// answer to a learner's query (its token is still valid: the signing key is in the state).
func timeRestart(ctx context.Context, srv *labServer, cloud *http.Client, l *learner, lt *labText, out io.Writer) error {
	if err := srv.stop(); err != nil {
		fmt.Fprintln(out, "stop before restart:", err)
	}
	began := time.Now()
	up, err := srv.start(2 * time.Minute)
	if err != nil {
		return err
	}
	c, err := srv.cloudClient(2*time.Minute, 4)
	if err != nil {
		return err
	}
	rec := &recorder{}
	l.pace = nil // the restart's first answer is timed without a learner's pause
	for ctx.Err() == nil {
		if _, err := l.query(ctx, c, rec, "first", lt.labQueries()[0]); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	first := time.Since(began)
	own := rec.samples[len(rec.samples)-1].took
	gradeStart := time.Now()
	err = timedControl(srv, &http.Client{Timeout: 2 * time.Minute}, l.cred.ControlToken, rec, "grade", "GET", "grade?tenant="+l.name, nil)
	fmt.Fprintf(out, "\nrestart: server.json after %.2f s; first answer to a learner's query after %.2f s (its own time %s ms); first grade %.2f s (err %v)\n",
		up.Seconds(), first.Seconds(), ms(own), time.Since(gradeStart).Seconds(), err)
	return nil
}

func verdicts(out io.Writer, learners []kindStats, hostileRec *recorder, cfg config, alive bool) {
	worst := time.Duration(0)
	for _, k := range learners {
		worst = max(worst, k.max)
		if k.kind == "la-query" {
			fmt.Fprintf(out, "  lab queries p99 %s ms (target < 250 at 30 learners): %s\n", ms(k.p99), ok(k.p99 < 250*time.Millisecond))
		}
	}
	fmt.Fprintf(out, "  slowest well-behaved request %s ms (target < 2000): %s\n", ms(worst), ok(worst < 2*time.Second))
	failed := 0
	for _, k := range learners {
		if k.kind != "throttled" {
			failed += k.failed
		}
	}
	fmt.Fprintf(out, "  well-behaved requests that failed: %d: %s\n", failed, ok(failed == 0))
	if cfg.hostile {
		bad, unanswered := hostileVerdict(hostileRec)
		fmt.Fprintf(out, "  hostile strrep/range queries not ended by a Kusto error: %d (target 0): %s\n", bad, ok(bad == 0))
		fmt.Fprintf(out, "  hostile long queries not answered: %d (target 0): %s\n", unanswered, ok(unanswered == 0))
	}
	fmt.Fprintf(out, "  server alive: %s\n", ok(alive))
}

func ok(b bool) string {
	if b {
		return "met"
	}
	return "MISSED"
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func firstLine(s, prefix string) string {
	for _, line := range strings.Split(s, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// deathCause picks the lines of a dead server's output that say why it died (Go's fatal
// error or panic and the goroutine that raised it).
func deathCause(log string) string {
	lines := strings.Split(log, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "fatal error") || strings.HasPrefix(line, "panic:") || strings.HasPrefix(line, "runtime: out of memory") {
			return strings.Join(lines[i:min(len(lines), i+30)], "\n")
		}
	}
	if len(log) > 2000 {
		log = "…" + log[len(log)-2000:]
	}
	return log
}

// hostileVerdict counts the strrep and range queries that did not end with a Kusto error (a
// 4xx, or 200 with the error object Log Analytics adds), and the long (valid) queries that
// got no answer.
func hostileVerdict(rec *recorder) (bad, unanswered int) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, s := range rec.samples {
		switch s.kind {
		case "hostile-strrep", "hostile-range":
			kustoError := s.status/100 == 4 || (s.status == 200 && strings.HasPrefix(s.detail, "200 with "))
			if !kustoError {
				bad++
			}
		case "hostile-long":
			if s.status == 0 {
				unanswered++
			}
		}
	}
	return bad, unanswered
}
