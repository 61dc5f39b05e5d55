package labtext

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

var (
	fenceRE   = regexp.MustCompile("^([ \t]*)(`{3,}|~{3,})[ \t]*([^ \t`]*)[^`]*$")
	headingRE = regexp.MustCompile(`^(#{1,6})[ \t]+(.*?)[ \t#]*$`)
	idRE      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
)

// Tools a block may need (the `needs` directive and what Needs finds in a block's text).
var knownTools = []string{"az", "az-sentinel", "jq", "soclab"}

// Parse reads a lab text and returns its fenced blocks in order with their annotations.
func Parse(text string) ([]Block, error) {
	p := parser{lines: strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")}
	if err := p.run(); err != nil {
		return nil, err
	}
	return p.blocks, p.checkIDs()
}

type parser struct {
	lines    []string
	blocks   []Block
	headings [7]string // the current heading of each level
	pending  *Notes    // annotations waiting for their block
	pendLine int
}

func (p *parser) run() error {
	for i := 0; i < len(p.lines); i++ {
		line := p.lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
		case strings.HasPrefix(trimmed, "<!--"):
			end, err := p.comment(i)
			if err != nil {
				return err
			}
			i = end
		case fenceRE.MatchString(line):
			end, err := p.block(i)
			if err != nil {
				return err
			}
			i = end
		default:
			if p.pending != nil {
				return &Error{p.pendLine, "a verify annotation must be followed by a fenced block (only blank lines and comments between)"}
			}
			if m := headingRE.FindStringSubmatch(line); m != nil {
				level := len(m[1])
				p.headings[level] = m[2]
				for l := level + 1; l < len(p.headings); l++ {
					p.headings[l] = ""
				}
			}
		}
	}
	if p.pending != nil {
		return &Error{p.pendLine, "a verify annotation at the end of the text has no block"}
	}
	return nil
}

// comment reads an HTML comment starting on line i; a `verify:` one adds to the pending notes.
// It returns the comment's last line.
func (p *parser) comment(i int) (int, error) {
	var body []string
	end := -1
	for j := i; j < len(p.lines); j++ {
		l := p.lines[j]
		if j == i {
			l = strings.TrimPrefix(strings.TrimSpace(l), "<!--")
		}
		if k := strings.Index(l, "-->"); k >= 0 {
			if rest := strings.TrimSpace(l[k+3:]); rest != "" {
				return 0, &Error{j + 1, "text after the end of an HTML comment: " + rest}
			}
			body, end = append(body, l[:k]), j
			break
		}
		body = append(body, l)
	}
	if end < 0 {
		return 0, &Error{i + 1, "an HTML comment is not closed with -->"}
	}
	text := strings.TrimSpace(strings.Join(body, "\n"))
	rest, ok := strings.CutPrefix(text, "verify:")
	if !ok {
		return end, nil // someone else's comment
	}
	if p.pending == nil {
		p.pending, p.pendLine = &Notes{}, i+1
	}
	for k, d := range strings.Split(rest, "\n") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		if err := p.pending.add(d); err != nil {
			return 0, &Error{i + 1 + k, err.Error()}
		}
	}
	return end, nil
}

// block reads the fenced block opening on line i and returns its closing line.
func (p *parser) block(i int) (int, error) {
	m := fenceRE.FindStringSubmatch(p.lines[i])
	indent, fence, lang := m[1], m[2], strings.ToLower(m[3])
	var body []string
	for j := i + 1; j < len(p.lines); j++ {
		l := p.lines[j]
		if t := strings.TrimSpace(l); strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
			b := Block{Index: len(p.blocks) + 1, Line: i + 1, Section: p.section(), Lang: m[3], Kind: kindOf(lang), Text: strings.Join(body, "\n") + "\n"}
			if len(body) == 0 {
				b.Text = ""
			}
			if p.pending != nil {
				b.Notes = *p.pending
				p.pending = nil
			}
			if err := b.Notes.check(b); err != nil {
				return 0, &Error{i + 1, err.Error()}
			}
			p.blocks = append(p.blocks, b)
			return j, nil
		}
		body = append(body, strings.TrimPrefix(l, indent))
	}
	return 0, &Error{i + 1, "the fenced block is not closed"}
}

// section names the headings above the current line below the title, joined with " › ".
func (p *parser) section() string {
	var parts []string
	for _, h := range p.headings[2:] {
		if h != "" {
			parts = append(parts, h)
		}
	}
	if len(parts) == 0 {
		return p.headings[1]
	}
	return strings.Join(parts, " › ")
}

func kindOf(lang string) Kind {
	switch lang {
	case "bash", "sh", "shell", "console":
		return Shell
	case "kusto", "kql":
		return KQL
	}
	return Other
}

// add parses one directive into the notes.
func (n *Notes) add(d string) error {
	word, arg, _ := strings.Cut(d, " ")
	arg = strings.TrimSpace(arg)
	need := func() error {
		if arg == "" {
			return fmt.Errorf("verify directive %q needs an argument", word)
		}
		return nil
	}
	switch word {
	case "skip":
		n.Skip = arg
		return need()
	case "needs":
		for _, t := range strings.Split(arg, ",") {
			t = strings.TrimSpace(t)
			if !slices.Contains(knownTools, t) {
				return fmt.Errorf("verify needs %q: known tools are %s", t, strings.Join(knownTools, ", "))
			}
			n.Needs = append(n.Needs, t)
		}
		return need()
	case "expect":
		n.Expect = append(n.Expect, arg)
		return need()
	case "expect-fail":
		n.ExpectFail, n.FailText = true, arg
	case "fill":
		ph, shell, ok := strings.Cut(arg, "=>")
		ph, shell = strings.TrimSpace(ph), strings.TrimSpace(shell)
		if !ok || !placeholderRE.MatchString(ph) || placeholderRE.FindString(ph) != ph || shell == "" {
			return fmt.Errorf("verify fill: want `fill <the placeholder as written> => shell text`, got %q", arg)
		}
		n.Fills = append(n.Fills, Fill{Placeholder: ph, Shell: shell})
	case "kql":
		switch KQLTarget(arg) {
		case Workspace, Hunting:
			n.Target = KQLTarget(arg)
		default:
			return fmt.Errorf("verify kql %q: use workspace or hunting", arg)
		}
	case "id", "run-before", "fault":
		if !idRE.MatchString(arg) {
			return fmt.Errorf("verify %s %q: want a name of lower-case letters, digits and dashes", word, arg)
		}
		switch word {
		case "id":
			n.ID = arg
		case "run-before":
			n.RunBefore = arg
		default:
			n.Faults = append(n.Faults, arg)
		}
	case "grade":
		if arg != "" {
			return fmt.Errorf("verify grade takes no argument, got %q", arg)
		}
		n.Grade = true
	default:
		return fmt.Errorf("unknown verify directive %q (skip, needs, expect, expect-fail, fill, kql, id, run-before, fault, grade)", word)
	}
	return nil
}

// check validates the notes against the block they belong to.
func (n Notes) check(b Block) error {
	if n.Target != "" && b.Kind != KQL {
		return fmt.Errorf("verify kql on a %q block: only kusto blocks run as KQL", b.Lang)
	}
	for _, f := range n.Fills {
		if !strings.Contains(b.Text, f.Placeholder) {
			return fmt.Errorf("verify fill %s: the block does not contain that placeholder", f.Placeholder)
		}
	}
	if n.Grade && (n.Skip != "" || n.ExpectFail) {
		return fmt.Errorf("verify grade cannot be combined with skip or expect-fail")
	}
	return nil
}

// checkIDs checks that ids are unique and that every run-before names another block.
func (p *parser) checkIDs() error {
	at := map[string]int{}
	for i, b := range p.blocks {
		if b.Notes.ID == "" {
			continue
		}
		if _, dup := at[b.Notes.ID]; dup {
			return &Error{b.Line, fmt.Sprintf("verify id %q is used twice", b.Notes.ID)}
		}
		at[b.Notes.ID] = i
	}
	for i, b := range p.blocks {
		if b.Notes.RunBefore == "" {
			continue
		}
		j, ok := at[b.Notes.RunBefore]
		if !ok || j == i {
			return &Error{b.Line, fmt.Sprintf("verify run-before %q: no other block has that id", b.Notes.RunBefore)}
		}
	}
	return nil
}
