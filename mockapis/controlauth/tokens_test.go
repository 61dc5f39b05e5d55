package controlauth

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestLoadOrCreate: a token is created once (0600 in a 0700 folder), read back unchanged, and
// concurrent creators agree on one token.
func TestLoadOrCreate(t *testing.T) {
	state := t.TempDir()
	path, err := TenantPath(state, "learner01")
	if err != nil {
		t.Fatal(err)
	}
	toks := make([]string, 8)
	var wg sync.WaitGroup
	for i := range toks {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			toks[i], _ = LoadOrCreate(path)
		}(i)
	}
	wg.Wait()
	for _, tok := range toks {
		if tok != toks[0] || !strings.HasPrefix(tok, "soclab_") || len(tok) != len("soclab_")+64 {
			t.Fatalf("tokens %q, want one soclab_ token of 256 bits", toks)
		}
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("token folder: %v %v", st, err)
	}
	if again, err := LoadOrCreate(path); err != nil || again != toks[0] {
		t.Fatalf("second LoadOrCreate = %q, %v", again, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	other, _ := LoadOrCreate(filepath.Join(state, TenantDir, "learner02.token"))
	if other == toks[0] {
		t.Error("two tenants got the same token")
	}
}

func TestTenantPathAndReadTokenRefuseBadInput(t *testing.T) {
	for _, name := range []string{"", "..", "../x", "a/b", "Contoso", "x", "learner01\x00", strings.Repeat("a", 33)} {
		if p, err := TenantPath("/s", name); err == nil {
			t.Errorf("TenantPath(%q) = %q, want an error", name, p)
		}
	}
	dir := t.TempDir()
	cases := []struct{ name, content, want string }{
		{"missing", "", "no control token file"},
		{"garbage", "hello\n", "is not a soclab control token file"},
		{"short", "soclab_abc\n", "is not a soclab control token file"},
	}
	for _, tc := range cases {
		path := filepath.Join(dir, tc.name)
		if tc.content != "" {
			os.WriteFile(path, []byte(tc.content), 0o600)
		}
		if _, err := ReadToken(path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ReadToken err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestLookup(t *testing.T) {
	state := t.TempDir()
	toks, err := Open(state, []string{"contoso", "learner01"})
	if err != nil {
		t.Fatal(err)
	}
	instructor, _ := ReadToken(InstructorPath(state))
	contoso, _ := toks.TenantToken("contoso")
	l1, _ := toks.TenantToken("learner01")
	cases := []struct {
		token string
		want  Caller
		ok    bool
	}{
		{instructor, Caller{Instructor: true}, true},
		{contoso, Caller{TenantName: "contoso"}, true},
		{l1, Caller{TenantName: "learner01"}, true},
		{"", Caller{}, false},
		{l1[:len(l1)-1], Caller{}, false},
		{l1 + "0", Caller{}, false},
		{strings.ToUpper(l1), Caller{}, false},
	}
	for _, tc := range cases {
		if got, ok := toks.Lookup(tc.token); got != tc.want || ok != tc.ok {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v, %v", tc.token, got, ok, tc.want, tc.ok)
		}
	}
	// A reopened store (a restarted server) accepts the same tokens.
	again, err := Open(state, []string{"contoso", "learner01"})
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := again.Lookup(l1); !ok || c.TenantName != "learner01" {
		t.Errorf("after reopening, learner01's token = %+v, %v", c, ok)
	}
}
