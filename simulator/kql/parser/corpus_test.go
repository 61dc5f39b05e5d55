package parser

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator/kql/diag"
)

// sentinelCase is one query of the Sentinel/Defender corpus with the
// verdict of Microsoft's parser (@kusto/language-service-next 12.4.1).
type sentinelCase struct {
	File      string `json:"file"`
	OK        bool   `json:"ok"`
	Query     string `json:"query"`
	Error     string `json:"error"`
	ErrorLine int    `json:"error_line"`
}

func loadJSON(t testing.TB, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
}

// knownDisagreements reads testdata/sentinel/known_disagreements: file
// names (one per line, '#' comments) where we knowingly differ.
func knownDisagreements(t *testing.T) map[string]bool {
	return readList(t, "testdata/sentinel/known_disagreements")
}

// readList reads a file of names, one per line, '#' starting a comment; a
// missing file is an empty list.
func readList(t *testing.T, path string) map[string]bool {
	known := map[string]bool{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return known
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			known[line] = true
		}
	}
	return known
}

// TestSentinelCorpus checks that our parse verdict agrees with Microsoft's
// parser on every real-world query, except the listed known disagreements
// (which must still disagree, so the list stays honest).
func TestSentinelCorpus(t *testing.T) {
	var cases []sentinelCase
	loadJSON(t, "testdata/sentinel/cases.json", &cases)
	known := knownDisagreements(t)
	agree := 0
	for _, c := range cases {
		_, err := Parse(c.Query)
		var de *diag.Error
		if err != nil && !errors.As(err, &de) {
			t.Errorf("%s: error is %T, want *diag.Error", c.File, err)
		}
		ok := err == nil
		switch {
		case ok == c.OK && known[c.File]:
			t.Errorf("%s: listed in known_disagreements but now agrees; remove it", c.File)
		case ok == c.OK:
			agree++
		case known[c.File]:
		case c.OK:
			t.Errorf("%s: Microsoft's parser accepts it, we reject it: %s", c.File, err.(*diag.Error).Format(c.Query))
		default:
			t.Errorf("%s: Microsoft's parser rejects it (%q at line %d), we accept it", c.File, c.Error, c.ErrorLine)
		}
	}
	t.Logf("sentinel corpus: %d/%d agree with Microsoft's parser", agree, len(cases))
}

// TestDocsCorpus parses every query of the Kusto documentation suite; all
// are valid for Microsoft's parser.
func TestDocsCorpus(t *testing.T) {
	var cases []struct {
		ID    string `json:"id"`
		Query string `json:"query"`
	}
	loadJSON(t, "testdata/docs/queries.json", &cases)
	ok := 0
	for _, c := range cases {
		if _, err := Parse(c.Query); err != nil {
			t.Errorf("docs case %s: %s", c.ID, err.(*diag.Error).Format(c.Query))
			continue
		}
		ok++
	}
	t.Logf("docs corpus: %d/%d parse", ok, len(cases))
}

// verdictCase is an edge case with the verdict of Microsoft's parser.
type verdictCase struct {
	Origin string `json:"origin"`
	Query  string `json:"query"`
	OK     bool   `json:"ok"`
	Error  string `json:"error"`
	Pos    int    `json:"pos"`
}

// Floors for how often our first syntax error matches Kusto.Language's
// wording and offset on the cases both reject (raise them as it improves).
const (
	minSameMessage = 1208
	minSameOffset  = 1284
)

// TestKustoVerdicts compares accept/reject verdicts with Kusto.Language on
// hand-written edge cases and mutated real queries.
func TestKustoVerdicts(t *testing.T) {
	var cases []verdictCase
	loadJSON(t, "testdata/kusto-verdicts/cases.json", &cases)
	known := readList(t, "testdata/kusto-verdicts/known_disagreements")
	agree, sameMsg, samePos := 0, 0, 0
	for i, c := range cases {
		_, err := Parse(c.Query)
		same := (err == nil) == c.OK
		if de, ok := err.(*diag.Error); ok && !c.OK {
			if de.Msg == c.Error {
				sameMsg++
			}
			if int(de.Pos) == c.Pos {
				samePos++
			}
		}
		id := strconv.Itoa(i)
		switch {
		case same && known[id]:
			t.Errorf("case %d: listed in known_disagreements but now agrees; remove it", i)
		case same:
			agree++
		case known[id]:
		case c.OK:
			t.Errorf("case %d (%s): Kusto accepts, we reject: %q\n%s", i, c.Origin, c.Query, err.(*diag.Error).Format(c.Query))
		default:
			t.Errorf("case %d (%s): Kusto rejects (%s), we accept: %q", i, c.Origin, c.Error, c.Query)
		}
	}
	t.Logf("Kusto.Language verdicts: %d/%d agree; first error has Kusto's wording in %d, its offset in %d", agree, len(cases), sameMsg, samePos)
	if sameMsg < minSameMessage || samePos < minSameOffset {
		t.Errorf("error wording/offset agreement fell to %d/%d (floors %d/%d)", sameMsg, samePos, minSameMessage, minSameOffset)
	}
}
