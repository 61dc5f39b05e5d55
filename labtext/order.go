package labtext

import (
	"regexp"
	"slices"
)

// RunOrder returns the blocks in the order a learner following the text runs them: as written,
// except that a block with run-before X runs just before block X (the text says to do it first).
func RunOrder(blocks []Block) []Block {
	moved := map[string][]Block{}
	for _, b := range blocks {
		if b.Notes.RunBefore != "" {
			moved[b.Notes.RunBefore] = append(moved[b.Notes.RunBefore], b)
		}
	}
	out := make([]Block, 0, len(blocks))
	for _, b := range blocks {
		if b.Notes.RunBefore != "" {
			continue
		}
		if b.Notes.ID != "" {
			out = append(out, moved[b.Notes.ID]...)
		}
		out = append(out, b)
	}
	return out
}

var (
	azRE       = regexp.MustCompile(`(^|[\s;&|(` + "`" + `$])az\s`)
	sentinelRE = regexp.MustCompile(`(^|[\s;&|(` + "`" + `$])az\s+sentinel\s`)
	jqRE       = regexp.MustCompile(`(^|[\s;&|(` + "`" + `$])jq\s`)
	soclabRE   = regexp.MustCompile(`(^|[\s;&|(` + "`" + `$])soclab\s`)
)

// Needs lists the tools a block needs: what its text (and its fills) calls, and its `needs`
// annotation. A KQL block needs az (it runs through az rest, as the text's helpers do).
func (b Block) Needs() []string {
	text, _ := b.Filled()
	var out []string
	add := func(t string) {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	switch b.Kind {
	case KQL:
		add("az")
	case Shell:
		for _, t := range []struct {
			re   *regexp.Regexp
			tool string
		}{{azRE, "az"}, {sentinelRE, "az-sentinel"}, {jqRE, "jq"}, {soclabRE, "soclab"}} {
			if t.re.MatchString(text) {
				add(t.tool)
			}
		}
	}
	for _, t := range b.Notes.Needs {
		add(t)
	}
	if slices.Contains(out, "az-sentinel") {
		add("az")
	}
	return out
}
