package loganalytics

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/hunting"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/diag"
)

// apiError is an answer in the service's error envelope.
type apiError struct {
	status        int
	code, message string
	inner         *inner
	// limit is set for a query stopped by a governance limit (memory, time, result size):
	// answered as a partial failure rather than with this envelope.
	limit *kql.Error
}

// inner is the service's recursive innererror block.
type inner struct {
	Code       string `json:"code"`
	Message    string `json:"message"`
	Line       *int   `json:"line,omitempty"`
	Pos        *int   `json:"pos,omitempty"`
	Token      string `json:"token,omitempty"`
	Innererror *inner `json:"innererror,omitempty"`
}

func badArgument(msg string, in *inner) *apiError {
	return &apiError{status: http.StatusBadRequest, code: "BadArgumentError", message: msg, inner: in}
}

func internal(err error) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: "InternalServerError", message: "An internal error occurred: " + err.Error()}
}

// queryError turns an engine error into the service's BadArgumentError with Kusto's inner
// error: syntax errors carry line, pos (0-based in the line) and the offending token.
func queryError(src string, err error) *apiError {
	var ke *kql.Error
	if !errors.As(err, &ke) {
		return internal(err)
	}
	if kql.IsLimitError(ke) {
		return &apiError{status: http.StatusBadRequest, code: "BadArgumentError", message: "The query exceeded the allowed limits",
			inner: &inner{Code: ke.Code, Message: ke.Msg}, limit: ke}
	}
	switch {
	case ke.IsSyntax():
		line, pos, tok := SyntaxPlace(src, ke)
		// The service's message names only the token and place, not the parser's reason.
		msg := fmt.Sprintf("Query could not be parsed at '%s' on line [%d,%d]", tok, line, pos)
		return badArgument("The request had some invalid properties", &inner{Code: "SyntaxError", Message: "A recognition error occurred in the query.",
			Innererror: &inner{Code: ke.Code, Message: msg, Line: &line, Pos: &pos, Token: tok}})
	case strings.HasPrefix(ke.Code, "SEM"):
		in := &inner{Code: ke.Code, Message: ke.Msg}
		if ke.Pos.IsValid() {
			line, col := diag.LineCol(src, ke.Pos)
			pos := col - 1
			in.Line, in.Pos = &line, &pos
		}
		return badArgument("The request had some invalid properties", &inner{Code: "SemanticError", Message: "A semantic error occurred.", Innererror: in})
	}
	return &apiError{status: http.StatusBadRequest, code: "BadArgumentError", message: "The query failed while running",
		inner: &inner{Code: "RuntimeError", Message: ke.Msg}}
}

// writeError writes {"error":{"message","code","correlationId","innererror"}}.
func writeError(w http.ResponseWriter, e *apiError) {
	body := struct {
		Message       string `json:"message"`
		Code          string `json:"code"`
		CorrelationID string `json:"correlationId"`
		Innererror    *inner `json:"innererror,omitempty"`
	}{e.message, e.code, simulator.NewGUID(), e.inner}
	data, _ := json.Marshal(map[string]any{"error": body})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if e.status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", "5")
	}
	if e.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token", error_description="`+e.message+`"`)
	}
	w.WriteHeader(e.status)
	w.Write(append(data, '\n'))
}

// SyntaxPlace is where the service says a syntax error is: the 1-based line, the 0-based
// position in the line and the offending token ("" at the end of the query). The query faces
// share simulator/hunting's placement.
func SyntaxPlace(src string, e *kql.Error) (line, pos int, token string) {
	return hunting.SyntaxPlace(src, e)
}

// throttled is the answer to a query that could not start within the service's concurrency
// bound: 429 with the service's throttling error and a Retry-After (docs/kql-limits.md).
func throttled() *apiError {
	return &apiError{status: http.StatusTooManyRequests, code: "ThrottledError",
		message: "Your request has been throttled: too many concurrent queries for this tenant. Please retry later."}
}
