package aad

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/soclab/soclab/mockapis/auth"
)

// BenchmarkVerify is the per-request cost of token checking: "cached" is every request after
// a token's first, "uncached" pays the RSA signature verification.
func BenchmarkVerify(b *testing.B) {
	f := newFixture(b)
	_, body := f.post(b, "/"+tenantID+"/oauth2/v2.0/token", spForm(secret, "https://management.core.windows.net//.default"))
	req := httptest.NewRequest(http.MethodGet, "https://management.azure.com/subscriptions", nil)
	req.Header.Set("Authorization", "Bearer "+body["access_token"].(string))
	b.Run("cached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := f.v.Verify(req, auth.ARMAudiences...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			v := NewVerifier(f.v.keys, f.v.now)
			if _, err := v.Verify(req, auth.ARMAudiences...); err != nil {
				b.Fatal(err)
			}
		}
	})
}
