package copilot

import (
	"testing"
)

// FuzzBodies: any body to the create routes is either created (201) or refused with a 4xx
// Graph error, and a refusal stores nothing.
func FuzzBodies(f *testing.F) {
	for _, s := range []string{`{"displayName":"x"}`, `{}`, `[]`, `null`, `{"type":"prompt","content":"list incidents"}`, `{"type":"skill"}`, `{"displayName":null}`, `"x"`, ``} {
		f.Add(s)
	}
	fx := newFixture(f)
	_, s := fx.do(f, fx.contoso, "POST", sessions, `{"displayName":"fuzz"}`)
	sid := s["id"].(string)
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range []string{sessions, sessions + "/" + sid + "/prompts"} {
			_, before := fx.do(t, fx.contoso, "GET", path, "")
			st, m := fx.do(t, fx.contoso, "POST", path, body)
			_, after := fx.do(t, fx.contoso, "GET", path, "")
			nb, na := len(before["value"].([]any)), len(after["value"].([]any))
			switch {
			case st == 201 && na == nb+1:
			case st >= 400 && st < 500 && na == nb && m["error"] != nil:
			default:
				t.Fatalf("POST %s %q: %d %v (items %d → %d)", path, body, st, m, nb, na)
			}
		}
	})
}
