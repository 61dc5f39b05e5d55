package labtext

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is what a block is for the runner.
type Kind string

// The kinds of block.
const (
	// Shell is a ```bash or ```sh block: commands a learner types.
	Shell Kind = "bash"
	// KQL is a ```kusto or ```kql block: a query a learner runs.
	KQL Kind = "kql"
	// Other is any other block (YAML, text, output): shown, not run.
	Other Kind = "other"
)

// KQLTarget says where a KQL block runs.
type KQLTarget string

// The targets of a KQL block.
const (
	// Workspace runs it through the Log Analytics query API on the lab's workspace.
	Workspace KQLTarget = "workspace"
	// Hunting runs it through Defender advanced hunting (Graph runHuntingQuery).
	Hunting KQLTarget = "hunting"
)

// Block is one fenced code block of a lab text.
type Block struct {
	// Index is the block's position among all fenced blocks (1-based).
	Index int `json:"index"`
	// Line is the line of the opening fence (1-based).
	Line int `json:"line"`
	// Section is the nearest heading above the block ("Task 1 — … › Rule 1 — …").
	Section string `json:"section"`
	// Lang is the fence's info word as written ("bash", "kusto", "").
	Lang string `json:"lang"`
	// Kind is what the runner does with it.
	Kind Kind `json:"kind"`
	// Text is the block's content, with the fence's indentation removed.
	Text string `json:"text"`
	// Notes are the block's annotations.
	Notes Notes `json:"notes"`
}

// Notes are the `<!-- verify: … -->` directives written before a block.
type Notes struct {
	// Skip is why the block is not run ("" runs it).
	Skip string `json:"skip,omitempty"`
	// Needs are tools the block needs beyond what its text shows (az-sentinel, jq, az).
	Needs []string `json:"needs,omitempty"`
	// Expect are texts the block's output must contain (compared without whitespace).
	Expect []string `json:"expect,omitempty"`
	// ExpectFail is set when the block must fail; FailText is what its output must then say.
	ExpectFail bool   `json:"expectFail,omitempty"`
	FailText   string `json:"failText,omitempty"`
	// Fills map a placeholder a learner fills in (`<the id of …>`) to shell text that computes it.
	Fills []Fill `json:"fills,omitempty"`
	// Target is where a KQL block runs (default Workspace).
	Target KQLTarget `json:"target,omitempty"`
	// ID names the block for RunBefore.
	ID string `json:"id,omitempty"`
	// RunBefore is the ID of a later block this one must run before (as the text tells the
	// learner to do it first).
	RunBefore string `json:"runBefore,omitempty"`
	// Faults are switched on before the block runs.
	Faults []string `json:"faults,omitempty"`
	// Grade marks the block where the lab is graded (the runner grades instead of running it).
	Grade bool `json:"grade,omitempty"`
}

// Fill is one placeholder and the shell text that replaces it.
type Fill struct {
	Placeholder string `json:"placeholder"`
	Shell       string `json:"shell"`
}

// placeholderRE finds what a learner fills in: "<" a word, a space, more words ">", e.g.
// `<the Incident column of the Microsoft 365 Defender one>`. Redirections (`< file`, `<<EOF`,
// `<(cmd)`) do not match: they have no letter right after "<" or no space inside.
var placeholderRE = regexp.MustCompile(`<[A-Za-z][^<>\n]* [^<>\n]*>`)

// Placeholders returns the placeholders of a block's text, in order, each once.
func Placeholders(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range placeholderRE.FindAllString(text, -1) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Filled is the block's text with every placeholder that has a Fill replaced, and the
// placeholders left without one.
func (b Block) Filled() (string, []string) {
	text := b.Text
	for _, f := range b.Notes.Fills {
		text = strings.ReplaceAll(text, f.Placeholder, f.Shell)
	}
	if b.Kind != Shell {
		return text, nil
	}
	return text, Placeholders(text)
}

// Error is a lab text that cannot be read: a bad annotation or an unclosed fence.
type Error struct {
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }
