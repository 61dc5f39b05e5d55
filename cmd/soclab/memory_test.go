package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

const gib = int64(1) << 30

// TestParseMemoryLimit: sizes with binary and decimal units, shares of the machine, off; and
// the values that must be refused with a message saying what is expected.
func TestParseMemoryLimit(t *testing.T) {
	machine := 24 * gib
	cases := []struct {
		in   string
		want int64
		err  string
	}{
		{"75%", 18 * gib, ""},
		{"50 %", 0, "not a share"},
		{"12.5%", 3 * gib, ""},
		{"100%", 24 * gib, ""},
		{"16GiB", 16 * gib, ""},
		{"16gib", 16 * gib, ""},
		{"800MiB", 800 << 20, ""},
		{"2GB", 2e9, ""},
		{"1.5GiB", 3 * gib / 2, ""},
		{"4294967296", 4 * gib, ""},
		{"off", 0, ""},
		{"OFF", 0, ""},
		{"0", 0, ""},
		{"", 0, "empty value"},
		{"0%", 0, "not a share"},
		{"101%", 0, "not a share"},
		{"NaN%", 0, "not a share"},
		{"-5GiB", 0, "not a size"},
		{"12XB", 0, "not a size"},
		{"lots", 0, "not a size"},
		{"1MiB", 0, "out of range"},
		{"1e30", 0, "out of range"},
		{"Inf", 0, "not a size"},
	}
	for _, c := range cases {
		got, err := parseMemoryLimit(c.in, machine)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want an error containing %q", c.in, got, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("parseMemoryLimit(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	if o, err := resolveMemoryOptions("auto", 0, 0); err != nil || !o.FitClass || o.Limit != 0 {
		t.Errorf("auto on a machine of unknown size: %+v, %v; want the class's size without a ceiling", o, err)
	}
	if _, err := parseMemoryLimit("75%", 0); err == nil || !strings.Contains(err.Error(), "unknown") {
		t.Errorf("a share of an unknown machine size: err = %v, want one naming the unknown size", err)
	}
}

// TestResolveMemoryOptions: the resident-tenant cap follows the limit unless given.
func TestResolveMemoryOptions(t *testing.T) {
	cases := []struct {
		limit    string
		resident int
		want     memoryOptions
		err      string
	}{
		{"75%", 0, memoryOptions{Limit: 18 * gib, MaxResidentTenants: 280}, ""},
		{"auto", 0, memoryOptions{Limit: 18 * gib, MaxResidentTenants: 280, FitClass: true}, ""},
		{" AUTO ", 40, memoryOptions{Limit: 18 * gib, MaxResidentTenants: 40, FitClass: true}, ""},
		{"4GiB", 0, memoryOptions{Limit: 4 * gib, MaxResidentTenants: 56}, ""},
		{"600MiB", 0, memoryOptions{Limit: 600 << 20, MaxResidentTenants: minResident}, ""},
		{"1000GiB", 0, memoryOptions{Limit: 1000 * gib, MaxResidentTenants: maxResident}, ""},
		{"off", 0, memoryOptions{MaxResidentTenants: noLimitResident}, ""},
		{"4GiB", 30, memoryOptions{Limit: 4 * gib, MaxResidentTenants: 30}, ""},
		{"4GiB", -1, memoryOptions{}, "--max-resident-tenants: -1 is negative"},
		{"much", 0, memoryOptions{}, "--memory-limit"},
	}
	for _, c := range cases {
		got, err := resolveMemoryOptions(c.limit, c.resident, 24*gib)
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%s, %d: %+v, %v; want an error containing %q", c.limit, c.resident, got, err, c.err)
		case c.err == "" && (err != nil || got != c.want):
			t.Errorf("%s, %d: %+v, %v; want %+v", c.limit, c.resident, got, err, c.want)
		}
	}
}

// TestServeMemoryFlags: serve takes --memory-limit (default auto) and --max-resident-tenants
// (default 0: derived), and parses them into the options the server runs with.
func TestServeMemoryFlags(t *testing.T) {
	cases := []struct {
		args []string
		want func(memoryOptions) bool
		err  string
	}{
		{nil, func(o memoryOptions) bool { return o.FitClass && o.Limit > 0 && o.MaxResidentTenants >= minResident }, ""},
		{[]string{"--memory-limit", "2GiB", "--max-resident-tenants", "12"}, func(o memoryOptions) bool { return o == memoryOptions{Limit: 2 * gib, MaxResidentTenants: 12} }, ""},
		{[]string{"--memory-limit", "off"}, func(o memoryOptions) bool { return o == memoryOptions{MaxResidentTenants: noLimitResident} }, ""},
		{[]string{"--memory-limit", "12 parsecs"}, nil, "--memory-limit"},
		{[]string{"--max-resident-tenants", "many"}, nil, "invalid value"},
	}
	for _, c := range cases {
		var got memoryOptions
		app := &cli.App{Flags: memoryFlags(), Writer: io.Discard, ErrWriter: io.Discard,
			Action: func(ctx *cli.Context) error {
				var err error
				got, err = memoryOptionsFrom(ctx)
				return err
			}}
		err := app.Run(append([]string{"serve"}, c.args...))
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%v: err = %v, want one containing %q", c.args, err, c.err)
		case c.err == "" && (err != nil || !c.want(got)):
			t.Errorf("%v: %+v, %v", c.args, got, err)
		}
	}
	names := map[string]bool{}
	for _, f := range serveCommand().Flags {
		names[f.Names()[0]] = true
	}
	if !names["memory-limit"] || !names["max-resident-tenants"] {
		t.Errorf("serve flags %v lack the memory flags", names)
	}
}

// TestMachineMemoryFiles: MemTotal and cgroup limits are read as the kernel writes them.
func TestMachineMemoryFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if n, err := memTotal(write("meminfo", "MemTotal:       24576000 kB\nMemFree: 1 kB\n")); err != nil || n != 24576000<<10 {
		t.Errorf("memTotal = %d, %v", n, err)
	}
	for _, bad := range []string{"MemFree: 1 kB\n", "MemTotal: lots kB\n", "MemTotal: 5 MB\n"} {
		if n, err := memTotal(write("bad", bad)); err == nil {
			t.Errorf("memTotal(%q) = %d, want an error", bad, n)
		}
	}
	if n, err := cgroupLimit(write("max", "max\n")); err != nil || n != 0 {
		t.Errorf("cgroup max = %d, %v; want 0 (none)", n, err)
	}
	if n, err := cgroupLimit(write("lim", "8589934592\n")); err != nil || n != 8*gib {
		t.Errorf("cgroup limit = %d, %v", n, err)
	}
	if n, err := machineMemory(); err != nil || n <= 0 {
		t.Errorf("machineMemory() = %d, %v on this machine", n, err)
	}
}

// TestClassLimit: the auto limit grows with the class (768 MiB + 80 MiB per tenant: 30
// learners, the hostile tenant and contoso stay under 4 GB) up to its ceiling; a fixed
// limit stays as given.
func TestClassLimit(t *testing.T) {
	const mib = int64(1) << 20
	cases := []struct {
		o       memoryOptions
		tenants int
		want    int64
	}{
		{memoryOptions{Limit: 18 * gib, FitClass: true}, 0, 848 * mib},
		{memoryOptions{Limit: 18 * gib, FitClass: true}, 1, 848 * mib},
		{memoryOptions{Limit: 18 * gib, FitClass: true}, 32, 3328 * mib},
		{memoryOptions{Limit: 18 * gib, FitClass: true}, 102, 8928 * mib},
		{memoryOptions{Limit: 18 * gib, FitClass: true}, 1000, 18 * gib},
		{memoryOptions{Limit: 0, FitClass: true}, 1000, 768*mib + 1000*80*mib},
		{memoryOptions{Limit: 2 * gib}, 32, 2 * gib},
		{memoryOptions{}, 32, 0},
	}
	for _, c := range cases {
		if got := c.o.classLimit(c.tenants); got != c.want {
			t.Errorf("%+v with %d tenants: %d MiB, want %d MiB", c.o, c.tenants, got/mib, c.want/mib)
		}
	}
}
