package arm

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"
)

// nameForbiddenChars are the printable characters ARM refuses in any resource name.
const nameForbiddenChars = `%&\?/`

// bidiControls are the invisible characters that reorder text (U+202E RIGHT-TO-LEFT
// OVERRIDE and its kin): a name holding one reads differently from what it is.
func isBidiControl(r rune) bool {
	return r == '\u200e' || r == '\u200f' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069')
}

// validateResourceName applies ARM's front-door rule for every resource name in a path:
// no control characters (NUL, newline, ...), no text-direction overrides, none of
// nameForbiddenChars, and no trailing period or space (so neither "." nor "..").
func validateResourceName(name string) *Error {
	var bad []string
	for _, r := range name {
		if unicode.IsControl(r) || isBidiControl(r) || strings.ContainsRune(nameForbiddenChars, r) {
			if s := showRune(r); !containsString(bad, s) {
				bad = append(bad, s)
			}
		}
	}
	if len(bad) > 0 {
		return NewError(http.StatusBadRequest, "InvalidResourceNameCharacters",
			fmt.Sprintf("The provided resource name '%s' has these invalid characters: '%s'. The name can not include control characters or the following characters: '%%','&','\\\\','?','/'.",
				showName(name), strings.Join(bad, "','")))
	}
	if trimmed := strings.TrimRight(name, ". "); trimmed != name {
		return NewError(http.StatusBadRequest, "InvalidResourceNameTrailingCharacters",
			fmt.Sprintf("The provided resource name '%s' has these invalid trailing characters: '%s'. The name can not end with characters: '. '.", name, name[len(trimmed):]))
	}
	return nil
}

// showRune writes an invisible or reordering character as \uXXXX, so the error message shows
// what is there instead of acting on the terminal.
func showRune(r rune) string {
	if unicode.IsControl(r) || isBidiControl(r) {
		return fmt.Sprintf(`\u%04X`, r)
	}
	return string(r)
}

func showName(name string) string {
	var b strings.Builder
	for _, r := range name {
		b.WriteString(showRune(r))
	}
	return b.String()
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scopeNames are the resource names in a scope path: the names of the parent resources of
// an extension or child resource (.../providers/{ns}/{type}/{name}[/{type}/{name}]...).
func scopeNames(scope string) []string {
	segs := strings.Split(scope, "/")
	var names []string
	for i := 0; i < len(segs); i++ {
		if !strings.EqualFold(segs[i], "providers") {
			continue
		}
		// segs[i+1] is the namespace; then type/name pairs up to the next providers block.
		for j := i + 3; j < len(segs) && !strings.EqualFold(segs[j-1], "providers"); j += 2 {
			if strings.EqualFold(segs[j], "providers") {
				break
			}
			names = append(names, segs[j])
		}
	}
	return names
}
