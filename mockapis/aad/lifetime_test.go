package aad

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
)

// TestVerifierRefusesImplausibleLifetimes: a token signed with the lab's own key but with a
// lifetime Entra ID never issues (10 years, 29 hours, no iat or nbf, exp before iat, issued
// in the future) is refused with ARM's 401 answer; the lifetimes Entra does issue pass.
func TestVerifierRefusesImplausibleLifetimes(t *testing.T) {
	keys := testKeys(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	v := NewVerifier(keys, func() time.Time { return now })
	base := accessClaims{Aud: "https://management.core.windows.net/", Iss: stsIssuer(tenantID), TID: tenantID, OID: "o", AppID: "a", IDType: "app", Ver: "1.0"}
	at := func(iat, nbf, exp time.Duration) accessClaims {
		c := base
		c.Iat, c.Nbf, c.Exp = now.Add(iat).Unix(), now.Add(nbf).Unix(), now.Add(exp).Unix()
		return c
	}
	cases := []struct {
		name   string
		claims accessClaims
		ok     bool
	}{
		{"the lab's hour", at(0, 0, time.Hour), true},
		{"Entra's random 60-90 minutes", at(-10*time.Minute, -10*time.Minute, 80*time.Minute), true},
		{"a one-day policy", at(-time.Hour, -time.Hour, 23*time.Hour), true},
		{"a 28-hour CAE token", at(-time.Hour, -time.Hour, 27*time.Hour), true},
		{"29 hours", at(-time.Hour, -time.Hour, 28*time.Hour), false},
		{"ten years", at(0, 0, 10*365*24*time.Hour), false},
		{"ten years from an early nbf", at(0, -10*365*24*time.Hour, time.Hour), false},
		{"no iat", func() accessClaims { c := at(0, 0, time.Hour); c.Iat = 0; return c }(), false},
		{"no nbf", func() accessClaims { c := at(0, 0, time.Hour); c.Nbf = 0; return c }(), false},
		{"exp before iat", at(0, 0, -time.Minute), false},
		{"issued in the future", at(time.Hour, time.Hour, 2*time.Hour), false},
	}
	for _, tc := range cases {
		tok, err := keys.sign(typeJWT, tc.claims)
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodGet, "https://management.azure.com/subscriptions", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		_, err = v.Verify(req, auth.ARMAudiences...)
		if tc.ok {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
			continue
		}
		var ve *VerifyError
		if !errors.As(err, &ve) || !errors.Is(err, auth.ErrInvalidToken) || ve.Code != "InvalidAuthenticationToken" || ve.Message != "The access token is invalid." {
			t.Errorf("%s: err = %v, want InvalidAuthenticationToken \"The access token is invalid.\"", tc.name, err)
		}
	}
}
