package kql

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// Issue 14's string hot paths (prepared needles, `or` over vectorised predicates, `in~` as a
// hash set) must answer exactly as the general row-by-row path does.

func hotpathTable(t testing.TB, n int) MapDatabase {
	t.Helper()
	words := []string{"Vault", "vault", "KEYVAULT", "Microsoft.KeyVault/vaults", "storage", "Storage-Account", "STORAGE",
		"été", "Été", "\u212aey", "key", "", "a-b", "x.y", "Azure Portal", "Microsoft Teams"}
	r := rand.New(rand.NewPCG(14, 14))
	b := NewBuilder("T", []Column{{Name: "i", Type: mustTestType(t, "long")}, {Name: "s", Type: mustTestType(t, "string")},
		{Name: "n", Type: mustTestType(t, "long")}})
	for i := 0; i < n; i++ {
		var parts []string
		for k := r.IntN(3); k >= 0; k-- {
			parts = append(parts, words[r.IntN(len(words))])
		}
		var num any = int64(r.IntN(5))
		if r.IntN(4) == 0 {
			num = nil
		}
		if err := b.Append([]any{int64(i), strings.Join(parts, []string{" ", "/", ""}[r.IntN(3)]), num}); err != nil {
			t.Fatal(err)
		}
	}
	return NewDatabase(b.Table())
}

func mustTestType(t testing.TB, name string) Type {
	typ, ok := ParseType(name)
	if !ok {
		t.Fatalf("type %s", name)
	}
	return typ
}

func runJSON(t *testing.T, db MapDatabase, query string) string {
	t.Helper()
	q, err := Compile(query, db.Catalog(), CompileOptions{})
	if err != nil {
		t.Fatalf("compile %s: %v", query, err)
	}
	res, err := q.Run(context.Background(), db, RunOptions{Now: time.Date(2025, 1, 15, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("run %s: %v", query, err)
	}
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestStringHotPathsMatchGeneralPath compares each fast form with the same predicate forced
// through the general path (the needle from a column, the condition compared with true).
func TestStringHotPathsMatchGeneralPath(t *testing.T) {
	db := hotpathTable(t, 3000)
	ops := []string{"contains", "!contains", "contains_cs", "!contains_cs", "has", "!has", "has_cs", "!has_cs",
		"hasprefix", "hassuffix", "startswith", "endswith", "=~", "!~"}
	needles := [][2]string{{"vault", "STORAGE"}, {"Vault", "été"}, {"key", "-"}, {"", "x.y"}, {"k", "microsoft.keyvault"}}
	for _, op := range ops {
		for _, nd := range needles {
			fast := fmt.Sprintf("T | where s %s '%s' or s %s '%s' | project i", op, nd[0], op, nd[1])
			general := fmt.Sprintf("T | extend p1 = '%s', p2 = '%s' | where (s %s p1 or s %s p2) == true | project i", nd[0], nd[1], op, op)
			if got, want := runJSON(t, db, fast), runJSON(t, db, general); got != want {
				t.Errorf("%s\n fast:    %.300s\n general: %.300s", fast, got, want)
			}
			// the prepared needle on a computed operand (no vector path)
			computed := fmt.Sprintf("T | where (strcat(s, '') %s '%s') == true | project i", op, nd[0])
			general = fmt.Sprintf("T | extend p1 = '%s' | where (s %s p1) == true | project i", nd[0], op)
			if got, want := runJSON(t, db, computed), runJSON(t, db, general); got != want {
				t.Errorf("%s\n got:  %.300s\n want: %.300s", computed, got, want)
			}
		}
	}
	for _, pred := range []string{
		"s in~ ('VAULT', 'storage', 'a-b')", "s !in~ ('VAULT', 'storage')", "s in~ ('été', 'key')",
		"s in~ (dynamic(['KEY', 'x.y']), 'Azure portal')", "s in~ ('')", "s !in~ ('')",
		"n > 2 or s contains 'vault'", "(s has 'vault' or s has 'storage') and n < 3",
		"s contains 'vault' or s contains 'storage' or n == 1", "n == 4 or n == 0", "s has_any ('vault', 'Microsoft.KeyVault', 'été', 'a-b')", "s has_any ('KEY') or s has_any ('x')",
		"n between (1 .. 3)", "n !between (1 .. 3)", "i between (10 .. 20) or n == 0", "i !between (10 .. 2900)",
		"row_number() between (5 .. 9)", "row_number(0) !between (5 .. 2990) and n > 1",
	} {
		fast := "T | serialize | where " + pred + " | project i"
		general := "T | serialize | where (" + pred + ") == true | project i"
		if got, want := runJSON(t, db, fast), runJSON(t, db, general); got != want {
			t.Errorf("%s\n fast:    %.300s\n general: %.300s", fast, got, want)
		}
	}
}

// TestStringHotPathsExact pins a few answers on a small table.
func TestStringHotPathsExact(t *testing.T) {
	const T = "let T = datatable(i:long, s:string, n:long)[1,'Microsoft.KeyVault/vaults',1, 2,'Azure Portal',long(null), 3,'STORAGE acct',3, 4,'Été',0, 5,'',2];\n"
	cases := []struct{ query, want string }{
		{T + "T | where s contains 'vault' or s contains 'storage' | project i", `[[1],[3]]`},
		{T + "T | where s contains 'vault' or n > 1 | project i", `[[1],[3],[5]]`},
		{T + "T | where n > 1 or s has 'portal' | project i", `[[2],[3],[5]]`},
		{T + "T | where s !contains 'a' | project i", `[[4],[5]]`},
		{T + "T | where s in~ ('azure PORTAL', 'été') | project i", `[[2],[4]]`},
		{T + "T | where s !in~ ('azure PORTAL', 'storage ACCT', '') | project i", `[[1],[4]]`},
		{T + "T | where s has_cs 'KeyVault' | project i", `[[1]]`},
		{T + "T | where (s contains 'vault' or s contains 'storage') and n > 1 | count", `[[1]]`},
		{T + "T | where n between (1 .. 2) | project i", `[[1],[5]]`},
		{T + "T | where n !between (1 .. 2) | project i", `[[3],[4]]`},
		{T + "T | serialize | where row_number() between (2 .. 3) | project i", `[[2],[3]]`},
		{"datatable(t:datetime)[datetime(2025-01-15T08:00:00Z), datetime(2025-01-15T09:00:00Z), datetime(null)] | where t between (datetime(2025-01-15T08:30:00Z) .. datetime(2025-01-15T09:00:00Z))",
			`[["2025-01-15T09:00:00Z"]]`},
	}
	for _, c := range cases {
		got := runJSON(t, NewDatabase(), c.query)
		if !strings.Contains(got, `"Rows":`+c.want) && !strings.Contains(got, `"rows":`+c.want) {
			t.Errorf("%s\n got %s\nwant rows %s", c.query, got, c.want)
		}
	}
}
