package simulator

import (
	"regexp"
	"testing"
)

// TestNewSecretShape: 40 URL-safe characters with Entra's "8Q~" marker, never a leading "-"
// (az's argument parser would read `-p -abc…` as an option).
func TestNewSecretShape(t *testing.T) {
	shape := regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_-]{2}8Q~[A-Za-z0-9_-]{34}$`)
	for i := 0; i < 5000; i++ {
		if s := newSecret(); !shape.MatchString(s) {
			t.Fatalf("secret %q does not have the shape", s)
		}
	}
}
