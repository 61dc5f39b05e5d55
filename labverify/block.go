package labverify

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/soclab/soclab/labtext"
)

// runBlock runs one block and judges it against its annotations.
func (s *session) runBlock(ctx context.Context, b labtext.Block) BlockResult {
	res := BlockResult{Index: b.Index, Line: b.Line, Section: b.Section, Kind: b.Kind, ExitCode: -1}
	switch {
	case b.Notes.Skip != "":
		res.Status, res.Reason = NotRun, b.Notes.Skip
		return res
	case b.Kind == labtext.Other:
		res.Status, res.Reason = NotRun, fmt.Sprintf("a %q block is not a command", b.Lang)
		return res
	}
	for _, t := range b.Needs() {
		if !s.tools[t] {
			res.Missing = append(res.Missing, t)
			res.Reason += s.missing[t] + "; "
		}
	}
	if len(res.Missing) > 0 {
		res.Status, res.Reason = Skipped, "SKIPPED: needs "+strings.Join(res.Missing, ", ")+": "+strings.TrimSuffix(res.Reason, "; ")
		return res
	}
	script, err := s.script(b)
	if err != nil {
		res.Status, res.Reason = Failed, err.Error()
		return res
	}
	if b.Notes.Grade {
		res.Status, res.Graded, res.Reason = Passed, true, "soclab verify grades the lab here"
		return res
	}
	start := time.Now()
	out, code, err := s.shellRun(ctx, script, s.o.BlockTimeout)
	res.Duration, res.ExitCode, res.Output = time.Since(start), code, tail(out)
	res.Status, res.Reason = judge(b.Notes, out, code, err)
	return res
}

// script is the shell text of a block: its faults switched on, its placeholders filled, and a
// KQL block turned into the az rest call a learner's helper makes.
func (s *session) script(b labtext.Block) (string, error) {
	text, left := b.Filled()
	if len(left) > 0 {
		return "", fmt.Errorf("the block has placeholders a learner fills in and no `<!-- verify: fill PLACEHOLDER => shell -->` for them: %s", strings.Join(left, ", "))
	}
	var sb strings.Builder
	for _, f := range b.Notes.Faults {
		fmt.Fprintf(&sb, "soclab fault on %s >/dev/null\n", f)
	}
	if b.Kind == labtext.Shell {
		sb.WriteString(text)
		return sb.String(), nil
	}
	key, url, query := "query", `https://api.loganalytics.io/v1/workspaces/$__ws/query`, "tables[0].rows"
	if b.Notes.Target == labtext.Hunting {
		key, url, query = "Query", "https://graph.microsoft.com/v1.0/security/runHuntingQuery", "results"
	}
	body, err := json.Marshal(map[string]string{key: text})
	if err != nil {
		return "", err
	}
	file := filepath.Join(s.work, fmt.Sprintf("verify-block%02d.json", b.Index))
	if err := os.WriteFile(file, body, 0o600); err != nil {
		return "", fmt.Errorf("write the query body: %w", err)
	}
	if b.Notes.Target != labtext.Hunting {
		// The workspace the text created (Task 1 sets WORKSPACE_GUID, or its name and group).
		sb.WriteString(`__ws=${WORKSPACE_GUID:-}
if [ -z "$__ws" ]; then __ws=$(az monitor log-analytics workspace show --workspace-name "${WORKSPACE_NAME:?soclab verify: no workspace yet (the text creates it in Task 1)}" --resource-group "${RG_NAME:?}" --query customerId -o tsv); fi
`)
	}
	fmt.Fprintf(&sb, "az rest --method POST --url \"%s\" --body @%s --query %s -o json\n", url, shellQuote(file), shellQuote(query))
	return sb.String(), nil
}

// judge decides a block's status from its output and exit status.
func judge(n labtext.Notes, out string, code int, runErr error) (Status, string) {
	if runErr != nil {
		return Failed, runErr.Error()
	}
	if n.ExpectFail {
		if code == 0 {
			return Failed, "the block was expected to fail (break and fix) and succeeded"
		}
		if n.FailText != "" && !containsLoosely(out, n.FailText) {
			return Failed, fmt.Sprintf("the block failed as expected (exit %d) but its output does not say %q", code, n.FailText)
		}
	} else if code != 0 {
		return Failed, fmt.Sprintf("exit status %d", code)
	}
	for _, e := range n.Expect {
		if !containsLoosely(out, e) {
			return Failed, fmt.Sprintf("the output does not contain %q (compared without whitespace)", e)
		}
	}
	return Passed, ""
}

// containsLoosely reports whether out contains want once all whitespace is removed from both
// (JSON's indentation and az's table padding do not matter).
func containsLoosely(out, want string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	return strings.Contains(strip(out), strip(want))
}

// tail keeps the end of a long output.
func tail(s string) string {
	if len(s) <= outputLimit {
		return s
	}
	cut := s[len(s)-outputLimit:]
	if i := strings.IndexByte(cut, '\n'); i >= 0 {
		cut = cut[i+1:]
	}
	return fmt.Sprintf("[… %d bytes before this]\n%s", len(s)-len(cut), cut)
}
