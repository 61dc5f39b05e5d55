package controlauth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/soclab/soclab/internal/privatefile"
)

// Files of the state folder that hold control tokens.
const (
	// InstructorFile holds the instructor's token, which acts on every tenant.
	InstructorFile = "instructor.token"
	// TenantDir holds one <tenant name>.token file per tenant.
	TenantDir = "tokens"
)

// tokenPrefix marks soclab control tokens so they are recognisable in a shell history or a leak scan.
const tokenPrefix = "soclab_"

// ErrNoTokenFile means the token file does not exist (yet).
var ErrNoTokenFile = errors.New("no control token file")

// tenantName is what a token file may be named after: the simulator's tenant names.
var tenantName = regexp.MustCompile(`^[a-z][a-z0-9-]{2,31}$`)

// Caller is who sent a control request, as its token says.
type Caller struct {
	// Instructor is true for the instructor's token, which acts on every tenant.
	Instructor bool
	// TenantName is the tenant a tenant token belongs to (empty for the instructor).
	TenantName string
}

// String names the caller in error messages.
func (c Caller) String() string {
	if c.Instructor {
		return "the instructor"
	}
	return "tenant " + c.TenantName
}

// InstructorPath is the instructor token file of a state folder.
func InstructorPath(stateDir string) string { return filepath.Join(stateDir, InstructorFile) }

// TenantPath is the token file of a tenant, or an error for a name that is not a tenant name.
func TenantPath(stateDir, tenant string) (string, error) {
	if !tenantName.MatchString(tenant) {
		return "", fmt.Errorf("control token: %q is not a tenant name", tenant)
	}
	return filepath.Join(stateDir, TenantDir, tenant+".token"), nil
}

// ReadToken reads a token file; a missing file is an error wrapping ErrNoTokenFile.
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: %s", ErrNoTokenFile, path)
	}
	if err != nil {
		return "", fmt.Errorf("read control token: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if !strings.HasPrefix(tok, tokenPrefix) || len(tok) != len(tokenPrefix)+64 {
		return "", fmt.Errorf("%s is not a soclab control token file (remove it to get a new token)", path)
	}
	return tok, nil
}

// LoadOrCreate returns the token in path, creating it (0600, folder 0700) when missing. Two
// processes racing to create it agree on one token: the file is linked into place only if
// it does not exist yet.
func LoadOrCreate(path string) (string, error) {
	if tok, err := ReadToken(path); !errors.Is(err, ErrNoTokenFile) {
		return tok, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create control token folder: %w", err)
	}
	tok, err := newToken()
	if err != nil {
		return "", err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".token.tmp*")
	if err != nil {
		return "", fmt.Errorf("create control token: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		err = privatefile.Restrict(tmp.Name())
	}
	if err == nil {
		_, err = tmp.WriteString(tok + "\n")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("write control token: %w", err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return ReadToken(path)
	} else if err != nil {
		return "", fmt.Errorf("store control token %s: %w", path, err)
	}
	return tok, nil
}

func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate control token: %w", err)
	}
	return tokenPrefix + hex.EncodeToString(b[:]), nil
}

// Tokens knows the valid tokens of one state folder. Only hashes are kept in memory, and a
// presented token is compared by hash in constant time. Safe for concurrent use.
type Tokens struct {
	stateDir string
	mu       sync.RWMutex
	byHash   map[[32]byte]Caller
}

// Open loads (creating when missing) the instructor's token and the tokens of the named
// tenants of stateDir.
func Open(stateDir string, tenants []string) (*Tokens, error) {
	t := &Tokens{stateDir: stateDir, byHash: map[[32]byte]Caller{}}
	tok, err := LoadOrCreate(InstructorPath(stateDir))
	if err != nil {
		return nil, err
	}
	t.byHash[sha256.Sum256([]byte(tok))] = Caller{Instructor: true}
	for _, name := range tenants {
		if _, err := t.TenantToken(name); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// TenantToken returns a tenant's token, creating it when the tenant has none yet.
func (t *Tokens) TenantToken(tenant string) (string, error) {
	path, err := TenantPath(t.stateDir, tenant)
	if err != nil {
		return "", err
	}
	tok, err := LoadOrCreate(path)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	t.byHash[sha256.Sum256([]byte(tok))] = Caller{TenantName: tenant}
	t.mu.Unlock()
	return tok, nil
}

// Lookup returns the caller a token belongs to.
func (t *Tokens) Lookup(token string) (Caller, bool) {
	h := sha256.Sum256([]byte(token))
	t.mu.RLock()
	defer t.mu.RUnlock()
	var found Caller
	ok := false
	for k, c := range t.byHash {
		// Every stored hash is compared in full, so the time taken says nothing about the token.
		if subtle.ConstantTimeCompare(k[:], h[:]) == 1 {
			found, ok = c, true
		}
	}
	return found, ok
}
