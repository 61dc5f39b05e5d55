package generate_test

import (
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
)

var variantPlace = scenario.Place{ID: "variant-x", Kind: "attacker", City: "Sao Paulo", Country: "BR", Timezone: "UTC",
	CIDR: "45.155.205.0/24", ASN: 48693, ISP: "Example", Location: time.UTC}

// TestAttackVariant: a variant plays every step by another user from another range, shifted,
// with the resources rotated; nothing of the lab's victim or range is left in its rows.
func TestAttackVariant(t *testing.T) {
	s := loadScenario(t)
	c := cast(t)
	victim := generate.VictimCandidates(c)[3]
	shift := -6*24*time.Hour + 5*time.Hour
	tel, err := generate.AttackVariant(s, c, generate.Variant{Victim: victim, Place: variantPlace, Shift: shift, Rotate: 1, Nonce: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if !tel.Start.Equal(s.Attack.Start.Add(shift)) || !tel.End.After(tel.Start) {
		t.Errorf("variant span %v..%v", tel.Start, tel.End)
	}
	steps := map[string]bool{}
	for _, tb := range tel.All() {
		for i, row := range tb.Rows {
			steps[tb.Meta[i].Step] = true
			for _, v := range row {
				txt, _ := v.(string)
				if strings.Contains(txt, "alex.johnson") || strings.Contains(txt, "185.220.101.") {
					t.Fatalf("%s row %d still names the lab's attack: %q", tb.Name, i, txt)
				}
			}
		}
	}
	for _, st := range s.Attack.Steps {
		if !steps[st.ID] {
			t.Errorf("step %s has no rows", st.ID)
		}
	}
	signins := table(t, tel, "SigninLogs")
	found := false
	for _, row := range signins.Rows {
		if str(signins, row, "UserPrincipalName") == victim+"@contoso.com" && strings.HasPrefix(str(signins, row, "IPAddress"), "45.155.205.") {
			found = true
		}
	}
	if !found {
		t.Errorf("no sign-in of %s from 45.155.205.0/24", victim)
	}
	kv := table(t, tel, "AzureDiagnostics")
	if len(kv.Rows) != 6 { // VaultGet, SecretList and 4 of the 5 SecretGets (rotated, the last dropped)
		t.Errorf("%d Key Vault rows, want 6", len(kv.Rows))
	}
}

// TestAttackVariantRefuses: a victim outside the cast, a range of the scenario or not a /24.
func TestAttackVariantRefuses(t *testing.T) {
	s := loadScenario(t)
	c := cast(t)
	overlap := variantPlace
	overlap.CIDR = "185.220.101.0/24"
	wide := variantPlace
	wide.CIDR = "45.155.0.0/16"
	for _, tc := range []struct {
		v    generate.Variant
		want string
	}{
		{generate.Variant{Victim: "nobody", Place: variantPlace}, `generate: variant victim "nobody" is not in the cast`},
		{generate.Variant{Victim: "emma.brown", Place: overlap}, `generate: variant place "variant-x" overlaps the scenario's place attacker-bucharest`},
		{generate.Variant{Victim: "emma.brown", Place: wide}, `generate: variant place "variant-x": cidr "45.155.0.0/16" is not an IPv4 /24`},
	} {
		if _, err := generate.AttackVariant(s, c, tc.v); err == nil || err.Error() != tc.want {
			t.Errorf("%+v: %v, want %s", tc.v, err, tc.want)
		}
	}
}
