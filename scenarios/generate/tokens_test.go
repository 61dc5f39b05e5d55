package generate_test

import (
	"strings"
	"testing"

	"github.com/soclab/soclab/scenarios/generate"
)

// TestTenantTokensAlign: two tenants' token lists have the same length, every position names
// the same thing in another spelling for each tenant (so every token differs between
// tenants: a value equal for both would not depend on the tenant), the lists start with the
// tenant, subscription and workspace ids, and no token is empty.
func TestTenantTokensAlign(t *testing.T) {
	s := loadScenario(t)
	cast := func(tid, sub string) []string {
		c, err := generate.ResolveCast(s, generate.Params{TenantID: tid, SubscriptionID: sub, Users: 60, Days: 3})
		if err != nil {
			t.Fatal(err)
		}
		return generate.TenantTokens(s, c)
	}
	const (
		tidA, subA = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
		tidB, subB = "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"
	)
	a, b := cast(tidA, subA), cast(tidB, subB)
	if len(a) != len(b) || len(a) < 300 {
		t.Fatalf("token lists of %d and %d, want equal and at least 300 (users, devices, role assignments)", len(a), len(b))
	}
	head := []string{tidA, strings.ToUpper(tidA), strings.ReplaceAll(tidA, "-", ""), subA, strings.ToUpper(subA), strings.ReplaceAll(subA, "-", "")}
	for i, want := range head {
		if a[i] != want {
			t.Errorf("token %d = %q, want %q", i, a[i], want)
		}
	}
	for i := range a {
		if a[i] == "" || b[i] == "" {
			t.Errorf("token %d is empty", i)
		}
		if a[i] == b[i] {
			t.Errorf("token %d (%q) is the same for both tenants", i, a[i])
		}
		if len(a[i]) != len(b[i]) {
			t.Errorf("token %d: %q and %q differ in length", i, a[i], b[i])
		}
	}
	if again := cast(tidA, subA); strings.Join(again, ",") != strings.Join(a, ",") {
		t.Errorf("the token list of a cast is not deterministic")
	}
}
