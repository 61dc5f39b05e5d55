package grader

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/soclab/soclab/simulator"
)

// AnswersRequest is the body of POST /_soclab/answers.
type AnswersRequest struct {
	Tenant string `json:"tenant"`
	// Answers by question number ("1" ... "5"); an empty text removes the answer.
	Answers map[string]string `json:"answers"`
}

// AnswerResult is one stored answer as the knowledge check judges it.
type AnswerResult struct {
	Question int    `json:"question"`
	Text     string `json:"text"`
	Answer   string `json:"answer"`
	Correct  bool   `json:"correct"`
}

// AnswersResponse lists a tenant's answers (questions without one are left out).
type AnswersResponse struct {
	Tenant  string         `json:"tenant"`
	Answers []AnswerResult `json:"answers"`
}

// maxAnswersBody bounds a POST body (five answers of MaxAnswerLength characters fit).
const maxAnswersBody = 64 << 10

func serveAnswers(g *Grader, w http.ResponseWriter, r *http.Request) {
	var req AnswersRequest
	tenant := r.URL.Query().Get("tenant")
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxAnswersBody))
		if err != nil {
			writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("the request content size exceeds the maximum allowed %d bytes", maxAnswersBody))
			return
		}
		if err := json.Unmarshal(body, &req); err != nil || req.Answers == nil {
			writeError(w, http.StatusBadRequest, "InvalidArgument", `the body must be {"tenant":"...","answers":{"1":"..."}}`)
			return
		}
		tenant = req.Tenant
	default:
		writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("%s is not supported on /_soclab/answers", r.Method))
		return
	}
	t, err := ResolveTenant(g.engine.World(), tenant)
	if err != nil {
		writeTenantError(w, err)
		return
	}
	var answers Answers
	if r.Method == http.MethodPost {
		err = g.engine.World().Update(t.ID, func(tx *simulator.TenantTx) error {
			answers, err = g.checks.SaveAnswers(tx, req.Answers)
			return err
		})
	} else {
		err = g.engine.World().View(t.ID, func(tx *simulator.TenantTx) error {
			answers, err = ReadAnswers(tx)
			return err
		})
	}
	if errors.Is(err, ErrBadAnswer) {
		writeError(w, http.StatusBadRequest, "InvalidArgument", err.Error())
		return
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalError", err.Error())
		return
	}
	out := AnswersResponse{Tenant: t.Name, Answers: []AnswerResult{}}
	qs := g.checks.questions()
	for n, text := range answers {
		if q := qs[n]; q != nil {
			ok, _ := q.judge(text)
			out.Answers = append(out.Answers, AnswerResult{Question: n, Text: q.Text, Answer: text, Correct: ok})
		}
	}
	sort.Slice(out.Answers, func(i, j int) bool { return out.Answers[i].Question < out.Answers[j].Question })
	data, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(append(data, '\n'))
}
