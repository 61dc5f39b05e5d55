package labtext

import (
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

const sample = "# Lab\n\n## Task 1 — Rules\n\nText.\n\n" +
	"<!-- verify: id automate\n     needs jq -->\n```bash\nX=1\njq . f\n```\n\n" +
	"### Rule 1\n\n<!-- a note for authors -->\n<!-- verify: expect [[false,true]] -->\n\n```kusto\nprint 1\n```\n\n" +
	"## Task 3 — Go\n\n   - in a list:\n\n   ```sh\n   INCIDENT=<the Incident column of the one>\n   az sentinel incident show --id \"$INCIDENT\"\n   ```\n\n" +
	"<!-- verify: run-before automate -->\n~~~bash\necho first\n~~~\n\n```yaml\na: 1\n```\n\n" +
	"<!-- verify: kql hunting -->\n```KQL\nDeviceEvents\n```\n"

func TestParse(t *testing.T) {
	blocks, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(blocks)
	want := `[{"index":1,"line":9,"section":"Task 1 — Rules","lang":"bash","kind":"bash","text":"X=1\njq . f\n","notes":{"needs":["jq"],"id":"automate"}},` +
		`{"index":2,"line":19,"section":"Task 1 — Rules › Rule 1","lang":"kusto","kind":"kql","text":"print 1\n","notes":{"expect":["[[false,true]]"]}},` +
		`{"index":3,"line":27,"section":"Task 3 — Go","lang":"sh","kind":"bash","text":"INCIDENT=\u003cthe Incident column of the one\u003e\naz sentinel incident show --id \"$INCIDENT\"\n","notes":{}},` +
		`{"index":4,"line":33,"section":"Task 3 — Go","lang":"bash","kind":"bash","text":"echo first\n","notes":{"runBefore":"automate"}},` +
		`{"index":5,"line":37,"section":"Task 3 — Go","lang":"yaml","kind":"other","text":"a: 1\n","notes":{}},` +
		`{"index":6,"line":42,"section":"Task 3 — Go","lang":"KQL","kind":"kql","text":"DeviceEvents\n","notes":{"target":"hunting"}}]`
	if string(got) != want {
		t.Errorf("Parse:\n got %s\nwant %s", got, want)
	}
	var order []int
	for _, b := range RunOrder(blocks) {
		order = append(order, b.Index)
	}
	if !reflect.DeepEqual(order, []int{4, 1, 2, 3, 5, 6}) {
		t.Errorf("RunOrder %v, want [4 1 2 3 5 6]", order)
	}
	for i, want := range [][]string{{"jq"}, {"az"}, {"az", "az-sentinel"}, nil, nil, {"az"}} {
		if got := blocks[i].Needs(); !reflect.DeepEqual(got, want) {
			t.Errorf("block %d needs %v, want %v", i+1, got, want)
		}
	}
	text, left := blocks[2].Filled()
	if text != blocks[2].Text || !reflect.DeepEqual(left, []string{"<the Incident column of the one>"}) {
		t.Errorf("Filled without fills: %q %v", text, left)
	}
}

func TestFill(t *testing.T) {
	blocks, err := Parse("<!-- verify: fill <the id of the incident> => $(az rest --url x --query \"value[?a=='b'].id | [0]\" -o tsv) -->\n```bash\nID=<the id of the incident>\necho \"$ID\" <<EOF\nx\nEOF\ncat < f; diff <(a) <(b)\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	text, left := blocks[0].Filled()
	want := "ID=$(az rest --url x --query \"value[?a=='b'].id | [0]\" -o tsv)\necho \"$ID\" <<EOF\nx\nEOF\ncat < f; diff <(a) <(b)\n"
	if text != want || len(left) != 0 {
		t.Errorf("Filled: %q %v, want %q and no placeholder left", text, left, want)
	}
}

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"X=<the id of the multi-stage incident>\nY=<the id of the multi-stage incident>", []string{"<the id of the multi-stage incident>"}},
		{"cat <<'EOF'\n<b>bold</b>\nEOF", nil},
		{"a < b > c; x <(y) ; <token>", nil},
		{"soclab env | grep <a b>", []string{"<a b>"}},
	} {
		if got := Placeholders(tc.text); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Placeholders(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestParseErrors: every malformed annotation or fence is refused with its line.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"```bash\necho\n", "line 1: the fenced block is not closed"},
		{"<!-- verify: skip why\n```bash\n```\n", "line 1: an HTML comment is not closed with -->"},
		{"<!-- verify: skip -->\n```bash\nx\n```\n", `line 1: verify directive "skip" needs an argument`},
		{"<!-- verify: expect -->\n```bash\nx\n```\n", `line 1: verify directive "expect" needs an argument`},
		{"<!-- verify: frobnicate -->\n```bash\nx\n```\n", `line 1: unknown verify directive "frobnicate" (skip, needs, expect, expect-fail, fill, kql, id, run-before, fault, grade)`},
		{"<!-- verify:\nskip ok\nneeds python -->\n```bash\nx\n```\n", `line 3: verify needs "python": known tools are az, az-sentinel, jq, soclab`},
		{"<!-- verify: skip why -->\nsome text\n```bash\nx\n```\n", "line 1: a verify annotation must be followed by a fenced block (only blank lines and comments between)"},
		{"text\n<!-- verify: grade -->\n", "line 2: a verify annotation at the end of the text has no block"},
		{"<!-- verify: kql hunting -->\n```bash\nx\n```\n", `line 2: verify kql on a "bash" block: only kusto blocks run as KQL`},
		{"<!-- verify: kql cluster -->\n```kusto\nx\n```\n", `line 1: verify kql "cluster": use workspace or hunting`},
		{"<!-- verify: fill <the x of y> -->\n```bash\nA=<the x of y>\n```\n", "line 1: verify fill: want `fill <the placeholder as written> => shell text`, got \"<the x of y>\""},
		{"<!-- verify: fill <the x of y> => 1 -->\n```bash\nA=<the z>\n```\n", "line 2: verify fill <the x of y>: the block does not contain that placeholder"},
		{"<!-- verify: id Bad_Name -->\n```bash\nx\n```\n", `line 1: verify id "Bad_Name": want a name of lower-case letters, digits and dashes`},
		{"<!-- verify: id a -->\n```bash\nx\n```\n<!-- verify: id a -->\n```bash\ny\n```\n", `line 6: verify id "a" is used twice`},
		{"<!-- verify: id a run-before a -->\n```bash\nx\n```\n", `line 1: verify id "a run-before a": want a name of lower-case letters, digits and dashes`},
		{"<!-- verify: id a\nrun-before a -->\n```bash\nx\n```\n", `line 3: verify run-before "a": no other block has that id`},
		{"<!-- verify: run-before b -->\n```bash\nx\n```\n", `line 2: verify run-before "b": no other block has that id`},
		{"<!-- verify: grade\nskip no -->\n```bash\nx\n```\n", "line 3: verify grade cannot be combined with skip or expect-fail"},
		{"<!-- verify: grade --> trailing\n```bash\nx\n```\n", "line 1: text after the end of an HTML comment: trailing"},
	} {
		_, err := Parse(tc.text)
		var pe *Error
		if err == nil || !errors.As(err, &pe) || err.Error() != tc.want {
			t.Errorf("Parse(%q):\n got %v\nwant %s", tc.text, err, tc.want)
		}
	}
}

// TestChallenge: the lab's own text parses, every placeholder of a run block has a fill, and
// every run-before target exists (Parse checks it).
func TestChallenge(t *testing.T) {
	data, err := os.ReadFile("../challenge.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := Parse(string(data))
	if err != nil {
		t.Fatalf("challenge.md: %v", err)
	}
	if len(blocks) < 30 {
		t.Fatalf("challenge.md: %d blocks", len(blocks))
	}
	for _, b := range blocks {
		if _, left := b.Filled(); len(left) > 0 && b.Notes.Skip == "" {
			t.Errorf("challenge.md line %d: placeholders without a verify fill: %s", b.Line, strings.Join(left, ", "))
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("<!-- verify: fill <a b> => x -->\n```bash\n<a b>\n```\n")
	f.Add("```\n```\n<!--\n-->\n")
	f.Fuzz(func(t *testing.T, text string) {
		blocks, err := Parse(text)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for i, b := range blocks {
			if b.Index != i+1 || b.Line < 1 {
				t.Fatalf("block %d: index %d line %d", i, b.Index, b.Line)
			}
		}
		if len(RunOrder(blocks)) != len(blocks) {
			t.Fatal("RunOrder lost blocks")
		}
	})
}

func TestHeredoc(t *testing.T) {
	blocks, err := Parse("```bash\ncat > a.yaml <<'EOF'\nx: 1\nquery: |-\n  T\nEOF\naz x --file a.yaml\ncat > b.json <<EOF\n{\"id\": \"$ID\"}\nEOF\n```\n```kusto\ncat > c <<'EOF'\nno\nEOF\n```\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file, want string
		ok         bool
	}{
		{"a.yaml", "x: 1\nquery: |-\n  T", true},
		{"b.json", `{"id": "$ID"}`, true},
		{"c", "", false},
		{"missing", "", false},
	} {
		if got, ok := Heredoc(blocks, tc.file); got != tc.want || ok != tc.ok {
			t.Errorf("Heredoc(%s) = %q %v, want %q %v", tc.file, got, ok, tc.want, tc.ok)
		}
	}
}
