package aad

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"os"
	"path/filepath"
	"strings"

	"github.com/soclab/soclab/internal/privatefile"
	"github.com/soclab/soclab/mockapis/internal/atomicfile"
)

// KeyFile is the name of the token signing key inside the state folder.
const KeyFile = "aad-signing-key.pem"

// Header types: access and id tokens are "JWT"; refresh tokens carry their own type so that no
// verifier ever mistakes one for an access token.
const (
	typeJWT     = "JWT"
	typeRefresh = "soclab-rt"
)

// Keys signs and checks the lab's tokens with one RSA key.
type Keys struct {
	private *rsa.PrivateKey
	kid     string
}

// LoadOrCreateKeys returns the signing key kept in dir, creating it (mode 0600) the first time.
func LoadOrCreateKeys(dir string) (*Keys, error) {
	path := filepath.Join(dir, KeyFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, gerr := rsa.GenerateKey(rand.Reader, 2048)
		if gerr != nil {
			return nil, fmt.Errorf("generate token signing key: %w", gerr)
		}
		der, merr := x509.MarshalPKCS8PrivateKey(key)
		if merr != nil {
			return nil, fmt.Errorf("encode token signing key: %w", merr)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create state folder: %w", err)
		}
		if err := atomicfile.Write(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			return nil, err
		}
		return NewKeys(key), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read token signing key: %w", err)
	}
	// A key copied or restored with a looser mode is made private again.
	if err := privatefile.Restrict(path); err != nil {
		return nil, fmt.Errorf("restrict token signing key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("token signing key %s holds no PEM block", path)
	}
	anyKey, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("parse token signing key %s: %w", path, err)
	}
	key, ok := anyKey.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("token signing key %s is not an RSA key", path)
	}
	return NewKeys(key), nil
}

// NewKeys wraps an RSA key; the key id is derived from the public key.
func NewKeys(key *rsa.PrivateKey) *Keys {
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	sum := sha256.Sum256(der)
	return &Keys{private: key, kid: base64.RawURLEncoding.EncodeToString(sum[:15])}
}

// KeyID is the kid header of every token.
func (k *Keys) KeyID() string { return k.kid }

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ"`
	Kid string `json:"kid"`
}

// sign encodes claims as a compact RS256 JWT of the given type.
func (k *Keys) sign(typ string, claims any) (string, error) {
	h, _ := json.Marshal(jwtHeader{Alg: "RS256", Typ: typ, Kid: k.kid})
	c, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("encode token claims: %w", err)
	}
	signing := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, k.private, crypto.SHA256, digest[:])
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// errBadJWT is the cause of every parse or signature failure.
var errBadJWT = errors.New("malformed or badly signed token")

// parse checks a compact JWT's form, type and signature and decodes its claims into out.
func (k *Keys) parse(token, wantType string, out any) error {
	first := strings.IndexByte(token, '.')
	last := strings.LastIndexByte(token, '.')
	if first < 0 || first == last {
		return fmt.Errorf("%w: not a compact JWT", errBadJWT)
	}
	hb, err := base64.RawURLEncoding.DecodeString(token[:first])
	if err != nil {
		return fmt.Errorf("%w: header is not base64url", errBadJWT)
	}
	var h jwtHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return fmt.Errorf("%w: header is not JSON", errBadJWT)
	}
	if h.Alg != "RS256" || h.Typ != wantType || h.Kid != k.kid {
		return fmt.Errorf("%w: unexpected alg/typ/kid %q/%q/%q", errBadJWT, h.Alg, h.Typ, h.Kid)
	}
	sig, err := base64.RawURLEncoding.DecodeString(token[last+1:])
	if err != nil {
		return fmt.Errorf("%w: signature is not base64url", errBadJWT)
	}
	digest := sha256.Sum256([]byte(token[:last]))
	if err := rsa.VerifyPKCS1v15(&k.private.PublicKey, crypto.SHA256, digest[:], sig); err != nil {
		return fmt.Errorf("%w: signature does not verify", errBadJWT)
	}
	cb, err := base64.RawURLEncoding.DecodeString(token[first+1 : last])
	if err != nil {
		return fmt.Errorf("%w: claims are not base64url", errBadJWT)
	}
	if err := json.Unmarshal(cb, out); err != nil {
		return fmt.Errorf("%w: claims are not JSON", errBadJWT)
	}
	return nil
}

// JWKS returns the public key set served at /discovery/v2.0/keys.
func (k *Keys) JWKS() map[string]any {
	pub := k.private.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": k.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}
