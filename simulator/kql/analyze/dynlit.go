package analyze

import (
	"strings"

	"github.com/soclab/soclab/simulator/kql/types"
)

// parseDynamicLiteral parses the text of dynamic(...): JSON, where Kusto also accepts
// single-quoted strings and typed scalars such as datetime(...) (kept as their text).
func parseDynamicLiteral(text string) (any, bool) {
	if d, err := types.ParseJSON(text); err == nil {
		return d, true
	}
	var b strings.Builder
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch c {
		case '"':
			j := i + 1
			for j < len(text) && text[j] != '"' {
				if text[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(text) {
				return nil, false
			}
			b.WriteString(text[i : j+1])
			i = j
		case '\'':
			j := i + 1
			var s strings.Builder
			for j < len(text) && text[j] != '\'' {
				if text[j] == '\\' && j+1 < len(text) {
					s.WriteByte(text[j])
					j++
				} else if text[j] == '"' {
					s.WriteByte('\\')
				}
				s.WriteByte(text[j])
				j++
			}
			if j >= len(text) {
				return nil, false
			}
			b.WriteByte('"')
			b.WriteString(s.String())
			b.WriteByte('"')
			i = j
		default:
			// typed scalars: datetime(x), timespan(x), guid(x) → their text as a string
			rest := text[i:]
			handled := false
			for _, kw := range []string{"datetime(", "timespan(", "time(", "guid(", "long(", "int(", "real(", "double(", "bool("} {
				if strings.HasPrefix(rest, kw) {
					end := strings.IndexByte(rest, ')')
					if end < 0 {
						return nil, false
					}
					inner := strings.TrimSpace(rest[len(kw):end])
					switch kw {
					case "datetime(":
						if t, ok := types.ParseDateTime(inner); ok {
							inner = types.FormatDateTime(t)
						}
						b.WriteString(`"` + inner + `"`)
					case "timespan(", "time(":
						if t, ok := types.ParseTimeSpan(inner); ok {
							inner = types.FormatTimeSpan(t)
						}
						b.WriteString(`"` + inner + `"`)
					case "guid(":
						b.WriteString(`"` + inner + `"`)
					default:
						b.WriteString(inner)
					}
					i += end
					handled = true
					break
				}
			}
			if !handled {
				b.WriteByte(c)
			}
		}
	}
	d, err := types.ParseJSON(b.String())
	return d, err == nil
}
