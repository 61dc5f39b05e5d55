package arm

import (
	"net/url"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/simtest"
)

// TestInvalidResourceNames: names that are only periods, end in a period or space, or hold
// control characters (NUL, newline, DEL), a text-direction override or ARM's forbidden
// characters are refused with ARM's error, on any type, and nothing is stored.
func TestInvalidResourceNames(t *testing.T) {
	f := newFixture(t)
	base := "/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.OperationalInsights/workspaces/"
	diag := kvPath + "/providers/Microsoft.Insights/diagnosticSettings/"
	const chars = `The name can not include control characters or the following characters: '%','\u0026','\\\\','?','/'.`
	cases := []struct {
		name, path, body, want string
	}{
		{"dot", base + "%2E" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameTrailingCharacters","message":"The provided resource name '.' has these invalid trailing characters: '.'. The name can not end with characters: '. '."}}`},
		{"dot dot", base + "%2E%2E" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameTrailingCharacters","message":"The provided resource name '..' has these invalid trailing characters: '..'. The name can not end with characters: '. '."}}`},
		{"trailing period", base + "law-x." + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameTrailingCharacters","message":"The provided resource name 'law-x.' has these invalid trailing characters: '.'. The name can not end with characters: '. '."}}`},
		{"trailing space", base + "law-x%20" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameTrailingCharacters","message":"The provided resource name 'law-x ' has these invalid trailing characters: ' '. The name can not end with characters: '. '."}}`},
		{"NUL", base + "law%00x" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameCharacters","message":"The provided resource name 'law\\u0000x' has these invalid characters: '\\u0000'. ` + chars + `"}}`},
		{"newline and tab", base + "law%0Ax%09y" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameCharacters","message":"The provided resource name 'law\\u000Ax\\u0009y' has these invalid characters: '\\u000A','\\u0009'. ` + chars + `"}}`},
		{"right-to-left override", base + "law-%E2%80%AEtxt.exe" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameCharacters","message":"The provided resource name 'law-\\u202Etxt.exe' has these invalid characters: '\\u202E'. ` + chars + `"}}`},
		{"ampersand and percent", base + "a%26b%25c" + vWS, `{"location":"eastus"}`,
			`{"error":{"code":"InvalidResourceNameCharacters","message":"The provided resource name 'a\u0026b%c' has these invalid characters: '\u0026','%'. ` + chars + `"}}`},
		{"diagnostic setting named ..", diag + "%2E%2E" + vDiag, `{"properties":{"workspaceId":"` + wsID + `","logs":[]}}`,
			`{"error":{"code":"InvalidResourceNameTrailingCharacters","message":"The provided resource name '..' has these invalid trailing characters: '..'. The name can not end with characters: '. '."}}`},
		{"parent named with DEL", "/subscriptions/{subA}/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.KeyVault/vaults/kv%7F/providers/Microsoft.Insights/diagnosticSettings/d1" + vDiag, `{}`,
			`{"error":{"code":"InvalidResourceNameCharacters","message":"The provided resource name 'kv\\u007F' has these invalid characters: '\\u007F'. ` + chars + `"}}`},
	}
	before := simtest.TenantDigest(t, f.world, f.a.ID)
	for _, tc := range cases {
		for _, method := range []string{"PUT", "GET"} {
			body := tc.body
			if method == "GET" {
				body = ""
			}
			got := f.do("tok-a", method, f.expand(tc.path), body)
			if got.status != 400 || strings.TrimSpace(got.body) != tc.want {
				t.Errorf("%s %s: %d %s\nwant 400 %s", method, tc.name, got.status, got.body, tc.want)
			}
		}
	}
	if after := simtest.TenantDigest(t, f.world, f.a.ID); after != before {
		t.Error("a refused name changed the tenant's state")
	}
	// Names ARM allows pass the check and reach the type's handler: periods inside,
	// underscores, parentheses, letters beyond ASCII.
	for _, ok := range []string{"law.lab.1", "law_x(2)", "läw-ünified"} {
		got := f.do("tok-a", "GET", f.expand(base+url.PathEscape(ok)+vWS), "")
		if got.status != 404 || !strings.Contains(got.body, `"code":"ResourceNotFound"`) {
			t.Errorf("GET workspace %q: %d %s", ok, got.status, got.body)
		}
	}
}

func FuzzValidateResourceName(f *testing.F) {
	for _, s := range []string{"", ".", "..", "a.", "a ", "a\x00", "a\u202e", "ok-name", "a%b", "ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		err := validateResourceName(name)
		clean := !strings.HasSuffix(name, ".") && !strings.HasSuffix(name, " ") && !strings.ContainsAny(name, nameForbiddenChars)
		for _, r := range name {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || isBidiControl(r) {
				clean = false
			}
		}
		if (err == nil) != clean {
			t.Fatalf("validateResourceName(%q) = %v, want clean=%v", name, err, clean)
		}
		if err != nil && strings.ContainsRune(err.Message, '\u202e') {
			t.Fatalf("the message reflects a text-direction override: %q", err.Message)
		}
	})
}

func TestScopeNames(t *testing.T) {
	cases := []struct{ scope, want string }{
		{"/subscriptions/s", ""},
		{"/subscriptions/s/resourceGroups/rg", ""},
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv", "kv"},
		{"/subscriptions/s/resourceGroups/rg/providers/Microsoft.X/a/n1/b/n2", "n1,n2"},
		{"/subscriptions/s/resourceGroups/rg/providers/ns/t/n/providers/ns2/t2/n2", "n,n2"},
	}
	for _, tc := range cases {
		if got := strings.Join(scopeNames(tc.scope), ","); got != tc.want {
			t.Errorf("scopeNames(%s) = %q, want %q", tc.scope, got, tc.want)
		}
	}
}
