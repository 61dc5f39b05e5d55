package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/soclab/soclab/simulator"
)

// memoryOptions bound what `soclab serve` keeps in memory.
type memoryOptions struct {
	// Limit is the Go runtime's soft memory limit in bytes (debug.SetMemoryLimit): the
	// collector works harder as the heap nears it instead of letting it double. 0: none.
	Limit int64
	// MaxResidentTenants caps the tenants whose log views stay in memory (logs.Options).
	MaxResidentTenants int
	// TelemetryCache is where the shared telemetry is cached (logs.Options.CacheDir; serve
	// sets it to the state folder's "cache"): a restart reads it instead of generating it.
	TelemetryCache string
	// FitClass is set by --memory-limit auto: Limit is then a ceiling, and the limit in
	// force follows the class's size (classLimit), so the collector keeps a class's heap
	// near what it needs instead of letting it double.
	FitClass bool
}

const (
	// defaultMemoryLimit is --memory-limit's default: sized to the class, at most autoCeiling
	// of the machine's memory.
	defaultMemoryLimit = "auto"
	autoCeiling        = "75%"
	// classBase and classPerTenant size the auto limit: the shared telemetry, the server and
	// room for the queries in flight, plus each tenant's views, rule engine and grader state
	// (a tenant's live heap is ~45 MB after the attack: classLimit leaves the collector
	// nearly as much again).
	classBase      = 768 << 20
	classPerTenant = 80 << 20
	// tenantBudget is what one resident tenant is allowed (its log views, measured at ~26 MB
	// with `go test -bench TenantMemory ./simulator/logs`, plus the rule engine's state and
	// the collector's headroom); sharedBudget is the shared telemetry and everything else.
	tenantBudget = 64 << 20
	sharedBudget = 512 << 20
	// minResident and maxResident bound the cap derived from the limit; noLimitResident is
	// the cap when the server runs without a limit.
	minResident, maxResident, noLimitResident = 4, 1000, 256
)

func memoryFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "memory-limit", Value: defaultMemoryLimit,
			Usage: "soft memory limit: auto (768 MiB + 80 MiB per tenant, at most 75% of the machine), a size (16GiB, 800MiB, 2GB, bytes) or a share of the machine's memory or cgroup limit (75%); off: none"},
		&cli.IntFlag{Name: "max-resident-tenants", Value: 0,
			Usage: "tenants whose log views stay in memory (the least recently used are dropped and rebuilt on their next query); 0: derived from --memory-limit"},
	}
}

// memoryOptionsFrom reads the memory flags.
func memoryOptionsFrom(c *cli.Context) (memoryOptions, error) {
	machine, err := machineMemory()
	if err != nil {
		machine = 0 // unknown: a percentage limit is then refused below
	}
	return resolveMemoryOptions(c.String("memory-limit"), c.Int("max-resident-tenants"), machine)
}

// resolveMemoryOptions turns the flag values into options for a machine with machine bytes.
func resolveMemoryOptions(limit string, resident int, machine int64) (memoryOptions, error) {
	var o memoryOptions
	if strings.EqualFold(strings.TrimSpace(limit), "auto") {
		o.FitClass = true
		limit = autoCeiling
		if machine <= 0 {
			limit = "off" // no ceiling known: the class's size alone
		}
	}
	n, err := parseMemoryLimit(limit, machine)
	if err != nil {
		return o, fmt.Errorf("--memory-limit: %w", err)
	}
	o.Limit = n
	switch {
	case resident < 0:
		return o, fmt.Errorf("--max-resident-tenants: %d is negative (0 derives it from --memory-limit)", resident)
	case resident > 0:
		o.MaxResidentTenants = resident
	case n == 0:
		o.MaxResidentTenants = noLimitResident
	default:
		o.MaxResidentTenants = int(min(max((n-sharedBudget)/tenantBudget, minResident), maxResident))
	}
	return o, nil
}

// sizeUnits are the suffixes --memory-limit takes (binary and decimal, as Kubernetes does).
var sizeUnits = []struct {
	suffix string
	factor int64
}{
	{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1},
}

// parseMemoryLimit parses a size or a percentage of machine; "off" and "0" mean no limit.
func parseMemoryLimit(s string, machine int64) (int64, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "off", "none", "0":
		return 0, nil
	case "":
		return 0, fmt.Errorf("empty value (give a size such as 12GiB, a share such as 75%%, or off)")
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || math.IsNaN(f) || f <= 0 || f > 100 {
			return 0, fmt.Errorf("%q is not a share between 0 and 100%%", s)
		}
		if machine <= 0 {
			return 0, fmt.Errorf("%q: the machine's memory size is unknown; give a size such as 12GiB", s)
		}
		return int64(float64(machine) * f / 100), nil
	}
	num, factor := s, int64(1)
	for _, u := range sizeUnits {
		if strings.HasSuffix(strings.ToUpper(s), strings.ToUpper(u.suffix)) {
			num, factor = strings.TrimSpace(s[:len(s)-len(u.suffix)]), u.factor
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, fmt.Errorf("%q is not a size (such as 12GiB, 800MiB or a number of bytes)", s)
	}
	n := f * float64(factor)
	if n < 64<<20 || n > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is out of range (at least 64MiB)", s)
	}
	return int64(n), nil
}

// machineMemory is the memory this process may use: the machine's, or its cgroup's limit
// when lower (a container).
func machineMemory() (int64, error) {
	total, err := memTotal("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if n, err := cgroupLimit(path); err == nil && n > 0 && n < total {
			total = n
		}
	}
	return total, nil
}

// memTotal reads MemTotal from a meminfo file.
func memTotal(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			fields := strings.Fields(rest)
			if len(fields) == 2 && fields[1] == "kB" {
				kb, err := strconv.ParseInt(fields[0], 10, 64)
				if err == nil && kb > 0 {
					return kb << 10, nil
				}
			}
			return 0, fmt.Errorf("%s: unreadable MemTotal line %q", path, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return 0, fmt.Errorf("%s: no MemTotal line", path)
}

// cgroupLimit reads a cgroup memory limit file ("max": none, 0).
func cgroupLimit(path string) (int64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// limitOrNone is the value debug.SetMemoryLimit takes for a limit (0: no limit).
func limitOrNone(n int64) int64 {
	if n <= 0 {
		return math.MaxInt64
	}
	return n
}

// classLimit is the soft limit for a class of tenants: the auto size, at most Limit; Limit
// itself when the limit is not auto.
func (o memoryOptions) classLimit(tenants int) int64 {
	if !o.FitClass {
		return o.Limit
	}
	n := classBase + int64(max(tenants, 1))*classPerTenant
	if o.Limit > 0 && n > o.Limit {
		return o.Limit
	}
	return n
}

// String says what the server keeps in memory, for its start-up log.
func (o memoryOptions) String() string {
	limit := "no memory limit"
	switch {
	case o.FitClass:
		limit = fmt.Sprintf("memory limit 768 MiB + 80 MiB per tenant, at most %.1f GiB", float64(o.Limit)/(1<<30))
	case o.Limit > 0:
		limit = fmt.Sprintf("memory limit %.1f GiB", float64(o.Limit)/(1<<30))
	}
	return fmt.Sprintf("%s, log views of at most %d tenants resident", limit, o.MaxResidentTenants)
}

// followClass keeps the soft memory limit sized to the world's tenants (FitClass) until
// the world closes: checked now and every interval, as tenants are added and removed.
func followClass(w *simulator.World, o memoryOptions, interval time.Duration) {
	if !o.FitClass {
		return
	}
	set := func() {
		if ts, err := w.Tenants(); err == nil {
			debug.SetMemoryLimit(limitOrNone(o.classLimit(len(ts))))
		}
	}
	set()
	go func() {
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-w.Closed():
				return
			case <-t.C:
				set()
			}
		}
	}()
}
