package control

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// Error is a control endpoint's failure: an HTTP status plus an ARM-shaped code and message.
// Other control handlers (logcontrol) answer with it too, so every /_soclab/ error looks alike.
type Error struct {
	Status        int
	Code, Message string
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Fail builds an *Error with a formatted message.
func Fail(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WriteAnswer writes out as JSON with 200, or err as {"error":{"code","message"}}. An err that
// is not an *Error is mapped by classify (when it returns nil: 500 InternalError).
func WriteAnswer(w http.ResponseWriter, out any, err error, classify func(error) *Error) {
	status := http.StatusOK
	if err != nil {
		var ae *Error
		if !errors.As(err, &ae) {
			if ae = classify(err); ae == nil {
				ae = Fail(http.StatusInternalServerError, "InternalError", "%v", err)
			}
		}
		status = ae.Status
		out = map[string]any{"error": map[string]string{"code": ae.Code, "message": ae.Message}}
	}
	data, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(data, '\n'))
}

// DecodeJSON reads a JSON body of at most limit bytes into v, refusing unknown fields; an
// empty body leaves v as it is. A longer body is 413 RequestEntityTooLarge, not invalid JSON.
func DecodeJSON(r *http.Request, v any, limit int64) error {
	if r.Body == nil {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return Fail(http.StatusBadRequest, "InvalidRequestContent", "the request body could not be read: %v", err)
	}
	if int64(len(data)) > limit {
		return Fail(http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "the request content size exceeds the maximum allowed %d bytes for this endpoint", limit)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return Fail(http.StatusBadRequest, "InvalidRequestContent", "the request body is not valid JSON for this endpoint: %v", err)
	}
	return nil
}
