package funcs

import (
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/types"
)

var matcherTokens = []string{"has", "!has", "has_cs", "!has_cs", "hasprefix", "hassuffix", "hasprefix_cs",
	"contains", "!contains", "contains_cs", "!contains_cs", "startswith", "endswith", "=~", "!~"}

// TestStringMatcherExact pins the prepared matcher's answers on the lab's shapes.
func TestStringMatcherExact(t *testing.T) {
	long := strings.Repeat("x", 80) + "Microsoft.KeyVault/vaults" + strings.Repeat("y", 10)
	cases := []struct {
		op, pattern, text string
		want              bool
	}{
		{"contains", "vault", "Microsoft.KeyVault/vaults/read", true},
		{"contains", "VAULT", "microsoft.keyvault", true},
		{"contains", "vault", "Azure Portal", false},
		{"contains", "vault", long, true},
		{"contains", "vaultz", long, false},
		{"!contains", "storage", "Microsoft Teams", true},
		{"!contains", "storage", "Microsoft.Storage/x", false},
		{"contains_cs", "Vault", "keyvault", false},
		{"contains", "", "", true},
		{"contains", "a", "", false},
		{"has", "keyvault", "Microsoft.KeyVault/vaults", true},
		{"has", "key", "Microsoft.KeyVault/vaults", false},
		{"has", "microsoft.keyvault", "Microsoft.KeyVault/vaults", true},
		{"has", "keyvault", long, true}, // "." ends the term xxx…Microsoft; KeyVault is its own
		{"has", "vaults", long, false},  // followed by yyy: one term "vaultsyyy…"
		{"!has", "teams", "Microsoft Teams", false},
		{"!has", "team", "Microsoft Teams", true},
		{"hasprefix", "team", "Microsoft Teams", true},
		{"hasprefix", "eams", "Microsoft Teams", false},
		{"hassuffix", "eams", "Microsoft Teams", true},
		{"hassuffix", "team", "Microsoft Teams", false},
		{"has", "ÉTÉ", "un été chaud", true}, // non-ASCII needle: Unicode folding
		{"contains", "k", "\u212a", false},   // ASCII needle: ASCII folding only, as before
		{"=~", "AZURE CLI", "Azure CLI", true},
		{"!~", "AZURE CLI", "Azure CLI", false},
	}
	for _, c := range cases {
		op, ok := LookupStringOperator(c.op)
		if !ok {
			t.Fatalf("unknown operator %q", c.op)
		}
		m := NewStringMatcher(op, c.pattern)
		if got := m.MatchString(c.text); got != c.want {
			t.Errorf("%q %s %q = %v, want %v", c.text, c.op, c.pattern, got, c.want)
		}
		if got := op.Match(types.NewString(c.text), types.NewString(c.pattern)); got != c.want {
			t.Errorf("general path: %q %s %q = %v, want %v", c.text, c.op, c.pattern, got, c.want)
		}
	}
}

// FuzzStringMatcher checks that the prepared matcher answers as the general operator does.
func FuzzStringMatcher(f *testing.F) {
	f.Add("Microsoft.KeyVault/vaults/read", "vault")
	f.Add(strings.Repeat("ab", 40)+"KEY.vault", "key.VAULT")
	f.Add("a-b", "-")
	f.Add("", "")
	f.Add("Été", "été")
	f.Fuzz(func(t *testing.T, text, pattern string) {
		for _, tok := range matcherTokens {
			op, _ := LookupStringOperator(tok)
			want := MatchString(op.Op, text, pattern) != op.Negated
			if got := NewStringMatcher(op, pattern).MatchString(text); got != want {
				t.Fatalf("%q %s %q: prepared %v, general %v", text, tok, pattern, got, want)
			}
		}
	})
}
