package querylog

import (
	"fmt"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SigninLogs\n| where TimeGenerated > ago(30d)\n| take 1", "SigninLogs|whereTimeGenerated>ago(30d)|take1"},
		{"  T | where A == \"a b\"  // the filter\n| count", `T|whereA=="a b"|count`},
		{`T | where A == 'it''s' | where B has "x\" y"`, `T|whereA=='it''s'|whereBhas"x\" y"`},
		{"T // only a comment", "T"},
		{"", ""},
		{"\"unterminated  string", "\"unterminated  string"},
	} {
		if got := Normalize(c.in); got != c.want {
			t.Errorf("Normalize(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestRan(t *testing.T) {
	q := "SigninLogs\n| where ipv4_is_in_range(IPAddress, \"185.220.101.0/24\")\n| summarize count() by IPAddress"
	entries := []Entry{
		{Seq: 1, Query: "SigninLogs | where ipv4_is_in_range(IPAddress, \"185.220.101.0/24\")", Rows: 4},
		{Seq: 2, Query: q, Error: "Query could not be parsed"},
		{Seq: 3, Query: "SigninLogs   | where ipv4_is_in_range(IPAddress, \"185.220.101.0/24\") | summarize count() by IPAddress | take 5", Rows: 4},
	}
	for _, c := range []struct {
		name, query string
		want        int
	}{
		{"reflowed copy with a take added (a failed run does not count)", q, 3},
		{"a different range", "SigninLogs | where ipv4_is_in_range(IPAddress, \"185.220.102.0/24\")", 0},
		{"a different string's spacing matters", "SigninLogs | where ipv4_is_in_range(IPAddress, \"185.220.101.0 /24\")", 0},
		{"empty", "  ", 0},
	} {
		e, ok := Ran(entries, c.query)
		if got := map[bool]int{true: e.Seq}[ok]; got != c.want {
			t.Errorf("%s: entry %d, want %d", c.name, got, c.want)
		}
	}
}

// TestRecord: entries are per tenant, stamped with the tenant clock, the oldest dropped past
// MaxEntries.
func TestRecord(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	a, err := w.AddTenant("learner01")
	if err != nil {
		t.Fatal(err)
	}
	b, err := w.AddTenant("learner02")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)
	if _, err := w.SetTime(a.ID, at); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= MaxEntries+2; i++ {
		if err := Record(w, a.ID, Entry{Face: "loganalytics", Workspace: "law", Query: fmt.Sprintf("print %d", i), Rows: 1}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(id string) []Entry {
		var out []Entry
		if err := w.View(id, func(tx *simulator.TenantTx) (err error) { out, err = List(tx); return err }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := list(a.ID)
	if len(got) != MaxEntries || got[0].Seq != 3 || got[0].Query != "print 3" || got[len(got)-1].Seq != MaxEntries+2 {
		t.Fatalf("%d entries, first %+v", len(got), got[0])
	}
	if !got[0].At.Equal(at) {
		t.Errorf("stamped %v, want the tenant clock %v", got[0].At, at)
	}
	if other := list(b.ID); len(other) != 0 {
		t.Errorf("learner02 sees %d entries of learner01", len(other))
	}
}

// FuzzNormalize: any text normalizes without panicking, a query always matches its own
// successful run and never a failed one.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"SigninLogs | take 1", `T | where A == "a // b"`, "T // c\n| count", `'it''s'`, `"\`, "\x00\n\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		n := Normalize(q)
		if n == "" {
			return
		}
		if _, ok := Ran([]Entry{{Query: q}}, q); !ok {
			t.Errorf("%q does not match its own run (normalized %q)", q, n)
		}
		if _, ok := Ran([]Entry{{Query: q, Error: "failed"}}, q); ok {
			t.Errorf("a failed run of %q counts", q)
		}
	})
}
