package grader

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/soclab/soclab/simulator"
)

// answersColl and answersKey are where a tenant's knowledge-check answers are kept.
const (
	answersColl = "grader"
	answersKey  = "answers"
)

// MaxAnswerLength bounds one stored answer (characters).
const MaxAnswerLength = 2000

// AnswerCheck judges the learner's answer to one knowledge-check question. An answer is right
// when, normalised (lower case, punctuation and "microsoft" dropped, spaces collapsed), it holds
// one of Accept as whole words and none of Reject.
type AnswerCheck struct {
	Question int    `yaml:"question"`
	Text     string `yaml:"text"`
	// Accept are the right answers in their usual spellings (synonyms, product-name variants).
	Accept []string `yaml:"accept"`
	// Reject are wrong answers a right one must not also give (an answer naming both is a guess).
	Reject []string `yaml:"reject"`
	// Source is where the answer is documented (api-surface.md §12).
	Source string `yaml:"source"`
}

// Answers are a tenant's knowledge-check answers by question number.
type Answers map[int]string

// ReadAnswers returns the tenant's stored answers.
func ReadAnswers(tx *simulator.TenantTx) (Answers, error) {
	a := Answers{}
	if _, err := tx.GetJSON(answersColl, answersKey, &a); err != nil {
		return nil, fmt.Errorf("grader: read answers: %w", err)
	}
	return a, nil
}

// questions are the checks' knowledge-check questions by number.
func (c *Checks) questions() map[int]*AnswerCheck {
	out := map[int]*AnswerCheck{}
	for i := range c.Checks {
		if a := c.Checks[i].Answer; a != nil {
			out[a.Question] = a
		}
	}
	return out
}

// SaveAnswers validates answers against the knowledge check and merges them into the tenant's
// (an empty text removes an answer). Nothing is written when one is invalid.
func (c *Checks) SaveAnswers(tx *simulator.TenantTx, in map[string]string) (Answers, error) {
	qs := c.questions()
	if len(qs) == 0 {
		return nil, fmt.Errorf("the scenario has no knowledge check")
	}
	cur, err := ReadAnswers(tx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(in))
	for k := range in {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		n, err := strconv.Atoi(strings.TrimSpace(k))
		if err != nil || qs[n] == nil {
			return nil, fmt.Errorf("%w: question %q is not one of the knowledge check's (1-%d)", ErrBadAnswer, k, len(qs))
		}
		text := strings.TrimSpace(in[k])
		if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxAnswerLength {
			return nil, fmt.Errorf("%w: the answer to question %d is longer than %d characters or not UTF-8", ErrBadAnswer, n, MaxAnswerLength)
		}
		if text == "" {
			delete(cur, n)
			continue
		}
		cur[n] = text
	}
	if err := tx.PutJSON(answersColl, answersKey, cur); err != nil {
		return nil, fmt.Errorf("grader: save answers: %w", err)
	}
	return cur, nil
}

// ErrBadAnswer marks answers the knowledge check refuses.
var ErrBadAnswer = errors.New("invalid answer")

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// normalise makes an answer comparable: lower case, words separated by single spaces, the
// vendor's name dropped ("Microsoft Defender XDR" is "defender xdr").
func normalise(s string) string {
	s = strings.ToLower(s)
	words := strings.Fields(nonWord.ReplaceAllString(s, " "))
	out := words[:0]
	for _, w := range words {
		if w != "microsoft" && w != "msft" && w != "the" {
			out = append(out, w)
		}
	}
	return " " + strings.Join(out, " ") + " "
}

// holds tells whether a normalised answer holds a phrase as whole words (also written without
// spaces: "revokeSignInSessions" holds "revoke sign in sessions").
func holds(answer, phrase string) bool {
	p := normalise(phrase)
	if strings.Contains(answer, p) {
		return true
	}
	if strings.Count(strings.TrimSpace(p), " ") == 0 {
		return false // one word: whole words only ("nrt" is not in "entrance")
	}
	squeezed := strings.ReplaceAll(strings.TrimSpace(p), " ", "")
	return strings.Contains(answer, " "+squeezed+" ")
}

// judge says whether an answer is right and, when it is, which accepted answer it gave.
func (a *AnswerCheck) judge(answer string) (bool, string) {
	n := normalise(answer)
	for _, r := range a.Reject {
		if holds(n, r) {
			return false, ""
		}
	}
	for _, acc := range a.Accept {
		if holds(n, acc) {
			return true, acc
		}
	}
	return false, ""
}

// answer evaluates an answer check over the snapshot's answers.
func (ev *evaluation) answer(c *AnswerCheck) (bool, string) {
	got, ok := ev.snap.Answers[c.Question]
	if !ok {
		return false, fmt.Sprintf("no answer yet (soclab answer %d \"...\")", c.Question)
	}
	quoted := got
	if len(quoted) > 120 {
		quoted = quoted[:117] + "..."
	}
	if right, which := c.judge(got); right {
		return true, fmt.Sprintf("%q: right (%s)", quoted, which)
	}
	return false, fmt.Sprintf("%q is not the answer", quoted)
}
