package simulator

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// NewGUID returns a random (version 4) GUID in Azure's lower-case 8-4-4-4-12 form.
func NewGUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // never happens on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newSecret returns a random client secret shaped like Entra ID's (40 URL-safe characters
// with the "~" marker Entra puts in the fourth position).
func newSecret() string {
	var b [30]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	s := base64.RawURLEncoding.EncodeToString(b[:])
	if s[0] == '-' {
		// `az login -p -x...` takes a leading dash for an option ("expected one argument"):
		// challenge.md's login would fail for one tenant in 64.
		s = "A" + s[1:]
	}
	return s[:3] + "8Q~" + s[3:37]
}

// newPassword returns a random user password that meets Entra's complexity rules.
func newPassword() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err))
	}
	return "Lab-" + base64.RawURLEncoding.EncodeToString(b[:]) + "9!"
}
