package privatefile

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestRestrict(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "ca-key.pem")
	if err := os.WriteFile(file, []byte("secret"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dir, file} {
		if ok, err := IsPrivate(p); err != nil || ok {
			t.Fatalf("IsPrivate(%s) before = %v, %v; want false", p, ok, err)
		}
		if err := Restrict(p); err != nil {
			t.Fatal(err)
		}
		if ok, err := IsPrivate(p); err != nil || !ok {
			t.Errorf("IsPrivate(%s) after Restrict = %v, %v; want true", p, ok, err)
		}
	}
	if runtime.GOOS != "windows" {
		for p, want := range map[string]os.FileMode{dir: 0o700, file: 0o600} {
			if fi, _ := os.Stat(p); fi.Mode().Perm() != want {
				t.Errorf("%s mode %v, want %v", p, fi.Mode().Perm(), want)
			}
		}
	}
	// The owner can still read and write it.
	if err := os.WriteFile(file, []byte("rotated"), 0o600); err != nil {
		t.Errorf("owner cannot write the restricted file: %v", err)
	}
}

func TestRestrictMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if err := Restrict(missing); err == nil {
		t.Error("Restrict of a missing file succeeded")
	}
	if _, err := IsPrivate(missing); err == nil {
		t.Error("IsPrivate of a missing file succeeded")
	}
}

// TestMkdirAll: a folder it creates is private; an existing one keeps its permissions.
func TestMkdirAll(t *testing.T) {
	base := t.TempDir()
	fresh := filepath.Join(base, "a", "state")
	if err := MkdirAll(fresh); err != nil {
		t.Fatal(err)
	}
	if ok, err := IsPrivate(fresh); err != nil || !ok {
		t.Errorf("new folder private = %v, %v; want true", ok, err)
	}
	shared := filepath.Join(base, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := MkdirAll(shared); err != nil {
		t.Fatal(err)
	}
	if ok, _ := IsPrivate(shared); ok {
		t.Error("an existing shared folder was made private")
	}
	blocked := filepath.Join(base, "file")
	os.WriteFile(blocked, nil, 0o600)
	if err := MkdirAll(filepath.Join(blocked, "sub")); err == nil {
		t.Error("MkdirAll under a file succeeded")
	}
}
