package labtext

import (
	"regexp"
	"strings"
)

// heredocRE finds `cat > FILE <<'EOF'` (or <<EOF, <<"EOF") and captures the delimiter.
var heredocRE = regexp.MustCompile(`(?m)^\s*cat\s*>\s*(\S+)\s*<<-?\s*['"]?(\w+)['"]?\s*$`)

// Heredoc returns the body of the file a shell block writes with `cat > FILE <<'EOF'` … `EOF`
// (the rule YAML and JSON files of the lab text), from the first block that writes it.
func Heredoc(blocks []Block, file string) (string, bool) {
	for _, b := range blocks {
		if b.Kind != Shell {
			continue
		}
		for _, m := range heredocRE.FindAllStringSubmatchIndex(b.Text, -1) {
			if b.Text[m[2]:m[3]] != file {
				continue
			}
			delim := b.Text[m[4]:m[5]]
			var lines []string
			for _, line := range strings.Split(b.Text[m[1]:], "\n")[1:] {
				if line == delim {
					return strings.Join(lines, "\n"), true
				}
				lines = append(lines, line)
			}
		}
	}
	return "", false
}
