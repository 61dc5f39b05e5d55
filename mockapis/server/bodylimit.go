package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// Request body limits at the front door. ARM takes 4 MB (and answers its own 413); the query
// APIs, Graph, Defender, sign-in and control requests take 1 MiB. Without this check a
// service reading at most its limit saw a truncated body and answered "invalid JSON".
const (
	armBodyLimit     = 4 << 20
	serviceBodyLimit = 1 << 20
)

// bodyLimit is the largest body a host accepts.
func bodyLimit(host string) int64 {
	if host == HostARM {
		return armBodyLimit
	}
	return serviceBodyLimit
}

// limitBody answers 413 in the service's envelope when a request's body is over limit: at
// once when Content-Length says so, else after reading limit+1 bytes of a chunked body (the
// body read so far is handed on otherwise).
func limitBody(next http.Handler, limit int64, write errorWriter) http.Handler {
	tooLarge := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Connection", "close") // the rest of the body is not read
		write(w, r, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge",
			fmt.Sprintf("The request content size exceeds the maximum allowed size of %d bytes.", limit))
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.ContentLength > limit:
			tooLarge(w, r)
			return
		case r.ContentLength < 0 && r.Body != nil && r.Body != http.NoBody:
			body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
			if err != nil {
				write(w, r, http.StatusBadRequest, "InvalidRequestContent", "The request body could not be read.")
				return
			}
			if int64(len(body)) > limit {
				tooLarge(w, r)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
		}
		next.ServeHTTP(w, r)
	})
}
