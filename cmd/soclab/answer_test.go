package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseAnswers: an answers file is `N. text` lines (also `N: text`, `N) text`), comments and
// blank lines skipped; anything else is an error naming the line.
func TestParseAnswers(t *testing.T) {
	cases := []struct {
		name, in string
		want     map[string]string
		err      string
	}{
		{"numbered", "1. Microsoft Defender XDR\n2: NL2KQL\n\n# a comment\n3) NRT  \n4 revokeSignInSessions\n",
			map[string]string{"1": "Microsoft Defender XDR", "2": "NL2KQL", "3": "NRT", "4": "revokeSignInSessions"}, ""},
		{"a later line wins", "5. open\n5. closed too\n", map[string]string{"5": "closed too"}, ""},
		{"no number", "1. NRT\nDefender\n", nil, "line 2: \"Defender\" is not `N. answer`"},
		{"number only", "3.\n", nil, "line 1: \"3.\" is not `N. answer`"},
		{"empty", "# nothing\n\n", nil, "no answers (lines of `N. answer`)"},
	}
	for _, c := range cases {
		got, err := parseAnswers(c.in)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if msg != c.err || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v %q, want %v %q", c.name, got, msg, c.want, c.err)
		}
	}
}

// FuzzParseAnswers: any text parses to answers numbered by digits with non-empty texts, or to an
// error; never a panic.
func FuzzParseAnswers(f *testing.F) {
	for _, s := range []string{"1. a\n2: b\n", "# c\n\n3) NRT", "x", "9999999999999999999. overflow", "1.\t\ttab\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseAnswers(in)
		if err != nil {
			return
		}
		for k, v := range got {
			if k == "" || strings.Trim(k, "0123456789") != "" || strings.TrimSpace(v) == "" {
				t.Fatalf("%q: answer %q: %q", in, k, v)
			}
		}
	})
}
