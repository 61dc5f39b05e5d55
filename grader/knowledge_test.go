package grader

import (
	"errors"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator"
)

// TestJudgeAnswers: answers are judged leniently (case, punctuation, the vendor's name, product
// names' variants, synonyms, camel case) and wrong or hedged answers fail.
func TestJudgeAnswers(t *testing.T) {
	c, err := LoadBuiltinChecks("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	qs := c.questions()
	cases := []struct {
		q      int
		answer string
		right  bool
		which  string
	}{
		{1, "Microsoft Defender XDR", true, "Defender XDR"},
		{1, "microsoft 365 defender (its correlation engine)", true, "Microsoft 365 Defender"},
		{1, "M365 Defender", true, "M365 Defender"},
		{1, "defender-xdr", true, "Defender XDR"},
		{1, "Microsoft Sentinel", false, ""},
		{1, "Sentinel or Defender XDR", false, ""},
		{1, "Defender for Cloud", false, ""},
		{1, "Security Copilot", false, ""},
		{2, "the NL2KQL plugin", true, "NL2KQL"},
		{2, "Natural language to KQL for Microsoft Sentinel", true, "natural language to KQL"},
		{2, "natural-language-to-kql", true, "natural language to KQL"},
		{2, "the Defender XDR plugin's advanced hunting query assistant", true, "advanced hunting"},
		{2, "Microsoft Entra plugin", false, ""},
		{3, "NRT", true, "NRT"},
		{3, "Near-real-time (NRT) rules", true, "NRT"},
		{3, "near real time", true, "near real time"},
		{3, "Scheduled", false, ""},
		{3, "entrance", false, ""},
		{4, "POST /users/{id}/revokeSignInSessions", true, "revokeSignInSessions"},
		{4, "revoke sign-in sessions", true, "revoke sign in sessions"},
		{4, "PATCH accountEnabled false", false, ""},
		{5, "It is closed in Sentinel too", true, "closed"},
		{5, "the Sentinel incident closes as well (bi-directional sync)", true, "closes"},
		{5, "nothing, it stays open", false, ""},
		{5, "it is not closed", false, ""},
		{5, "", false, ""},
	}
	for _, tc := range cases {
		right, which := qs[tc.q].judge(tc.answer)
		if right != tc.right || which != tc.which {
			t.Errorf("question %d, %q: right=%v (%q), want %v (%q)", tc.q, tc.answer, right, which, tc.right, tc.which)
		}
	}
}

// TestGradeKnowledgeCheck: a fresh tenant fails the five questions with their hint; stored
// answers pass or fail each; bad input is refused and changes nothing.
func TestGradeKnowledgeCheck(t *testing.T) {
	l := newLab(t)
	checkOutcomes(t, l.grade(7), map[string]outcome{
		"knowledge-1": {false, `no answer yet (soclab answer 1 "...")`},
		"knowledge-5": {false, `no answer yet (soclab answer 5 "...")`},
	})
	save := func(in map[string]string) error {
		return l.world.Update(l.tenant.ID, func(tx *simulator.TenantTx) error {
			_, err := l.grader.Checks().SaveAnswers(tx, in)
			return err
		})
	}
	for _, bad := range []map[string]string{{"6": "x"}, {"zero": "x"}, {"1": "Defender XDR", "0": "x"}, {"2": string(make([]byte, 3000))}} {
		if err := save(bad); !errors.Is(err, ErrBadAnswer) {
			t.Errorf("%v: %v, want ErrBadAnswer", bad, err)
		}
	}
	if err := save(map[string]string{"1": "Microsoft Defender XDR", "2": "NL2KQL", "3": "Scheduled rules", "4": "revokeSignInSessions", "5": "closed too"}); err != nil {
		t.Fatal(err)
	}
	if err := save(map[string]string{"3": "NRT", "5": ""}); err != nil { // a second answer replaces, an empty one removes
		t.Fatal(err)
	}
	rep := l.grade(7)
	checkOutcomes(t, rep, map[string]outcome{
		"knowledge-1": {true, `"Microsoft Defender XDR": right (Defender XDR)`},
		"knowledge-2": {true, `"NL2KQL": right (NL2KQL)`},
		"knowledge-3": {true, `"NRT": right (NRT)`},
		"knowledge-4": {true, `"revokeSignInSessions": right (revokeSignInSessions)`},
		"knowledge-5": {false, `no answer yet (soclab answer 5 "...")`},
	})
	if rep.Score != 4 || rep.MaxScore != 5 || rep.AllPassed {
		t.Errorf("score %d/%d all passed %v, want 4/5 false", rep.Score, rep.MaxScore, rep.AllPassed)
	}
}

// FuzzJudgeAnswer: any answer is judged without a panic, and judging is case-insensitive.
func FuzzJudgeAnswer(f *testing.F) {
	c, err := LoadBuiltinChecks("alex-johnson")
	if err != nil {
		f.Fatal(err)
	}
	qs := c.questions()
	for _, s := range []string{"Microsoft Defender XDR", "NRT", "revokeSignInSessions", "", "ÄÖÜ 365", "m365m365"} {
		f.Add(1, s)
	}
	f.Fuzz(func(t *testing.T, q int, answer string) {
		a := qs[1+(q%5+5)%5]
		right, _ := a.judge(answer)
		if upper, _ := a.judge(strings.ToUpper(answer)); upper != right && strings.ToLower(strings.ToUpper(answer)) == strings.ToLower(answer) {
			t.Fatalf("%q judged %v, upper case %v", answer, right, upper)
		}
	})
}
