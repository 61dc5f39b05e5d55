package funcs

import (
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/kql/types"
)

// FuzzStringFunctions runs string functions and operators over arbitrary
// input: no panics, and has/contains agree with their definitions.
func FuzzStringFunctions(f *testing.F) {
	f.Add("North America", "amer", int64(1))
	f.Add("alex.johnson@contoso.com", "contoso.com", int64(-2))
	f.Add("ÄRGER über", "ü", int64(3))
	f.Add("", "", int64(0))
	reg := Builtins()
	ctx := NewContext(time.Unix(0, 0), 1)
	names := []string{"strlen", "substring", "split", "tolower", "toupper", "trim", "replace_string", "replace_regex",
		"extract", "extract_all", "indexof", "countof", "reverse", "translate", "parse_url", "parse_path", "parse_ipv4",
		"has_ipv4", "has_ipv4_prefix", "url_decode", "base64_decode_tostring", "parse_json", "format_datetime", "strrep"}
	f.Fuzz(func(t *testing.T, s, p string, n int64) {
		if n > 1000 || n < -1000 {
			n %= 1000
		}
		for _, name := range names {
			fn, _ := reg.Lookup(name)
			args := []types.Value{types.NewString(s), types.NewString(p), types.NewLong(n)}
			switch name {
			case "substring", "strrep":
				args = []types.Value{types.NewString(s), types.NewLong(n), types.NewLong(n + 3)}
			case "extract":
				args = []types.Value{types.NewString(p), types.NewLong(n), types.NewString(s)}
			case "replace_regex":
				args = []types.Value{types.NewString(s), types.NewString(p), types.NewString(`\1`)}
			case "trim", "extract_all":
				args = []types.Value{types.NewString(p), types.NewString(s)}
			case "format_datetime":
				args = []types.Value{types.NewDateTimeTicks(n * types.TicksPerDay), types.NewString(s)}
			}
			if len(args) > fn.MaxArgs && fn.MaxArgs != Variadic {
				args = args[:fn.MaxArgs]
			}
			fn.eval(ctx, args)
		}
		if Contains(s, p) != ContainsCS(toLower(s), toLower(p)) && isASCII(s) && isASCII(p) {
			t.Fatalf("contains(%q, %q) disagrees with lower-case contains_cs", s, p)
		}
		if Has(s, p) && !Contains(s, p) {
			t.Fatalf("has(%q, %q) without contains", s, p)
		}
	})
}
