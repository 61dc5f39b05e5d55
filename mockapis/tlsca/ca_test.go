package tlsca

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateKeepsOneCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	first, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	second, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	if string(first.CertPEM()) != string(second.CertPEM()) {
		t.Fatal("second start made a new CA; the learner's bundle would stop working")
	}
	for name, want := range map[string]os.FileMode{"": 0o700, KeyFile: 0o600, CertFile: 0o644} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%q mode = %o, want %o", name, got, want)
		}
	}
}

func TestLeafValidatesAgainstCA(t *testing.T) {
	ca, err := LoadOrCreate(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca.CertPEM())
	for _, host := range []string{"management.azure.com", "login.microsoftonline.com", "127.0.0.1"} {
		leaf, err := ca.Leaf(host)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := leaf.Leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: pool}); err != nil {
			t.Errorf("%s: leaf does not verify: %v", host, err)
		}
		again, _ := ca.Leaf(strings.ToUpper(host) + ".")
		if again != leaf && host != "127.0.0.1" {
			t.Errorf("%s: leaf not cached per host name", host)
		}
	}
	leaf, _ := ca.Leaf("graph.microsoft.com")
	if _, err := leaf.Leaf.Verify(x509.VerifyOptions{DNSName: "evil.example.com", Roots: pool}); err == nil {
		t.Error("graph leaf verified for another host name")
	}
	hello := &tls.ClientHelloInfo{}
	got, err := ca.GetCertificate("management.azure.com")(hello)
	if err != nil || got.Leaf.DNSNames[0] != "management.azure.com" {
		t.Errorf("GetCertificate without SNI = %v, %v; want the fallback host's leaf", got, err)
	}
}

func TestIncompleteCAIsAnError(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadOrCreate(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, KeyFile)); err != nil {
		t.Fatal(err)
	}
	_, err := LoadOrCreate(dir)
	if err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Fatalf("err = %v, want an 'incomplete' error", err)
	}
}

func TestWriteBundleAppendsSystemRoots(t *testing.T) {
	dir := t.TempDir()
	ca, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	roots := filepath.Join(dir, "roots.pem")
	os.WriteFile(roots, []byte("SYSTEM ROOTS\n"), 0o644)
	out := filepath.Join(dir, BundleFile)
	if err := ca.WriteBundle(out, roots); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(out)
	want := string(ca.CertPEM()) + "\nSYSTEM ROOTS\n"
	if string(got) != want {
		t.Fatalf("bundle = %q, want %q", got, want)
	}
}
