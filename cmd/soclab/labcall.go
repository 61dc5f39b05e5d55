package main

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/soclab/soclab/mockapis/controlauth"
	"github.com/soclab/soclab/mockapis/server"
)

// labClient talks to the control endpoints of the server running on a state folder. It never
// uses a proxy from the environment: the learner's shell has HTTPS_PROXY pointing at the lab.
var labClient = &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}

// tokenEnvVar names the environment variable that carries a control token (`soclab env`
// exports the tenant's).
const tokenEnvVar = "SOCLAB_TOKEN"

// labServer is a running server and the control token the commands send it.
type labServer struct {
	server.Info
	// Token is $SOCLAB_TOKEN, else the instructor's token from the state folder, else empty
	// (the server then answers 401 saying where tokens come from).
	Token string
	// base and rootCAs are set for a classroom server on another machine (see remote.go).
	base    string
	rootCAs *x509.CertPool
}

// runningLab returns the address file of the server on state, checking that it answers, with
// the control token to use. With $SOCLAB_SERVER set (a learner's shell on another machine),
// it is that server instead.
func runningLab(state string) (labServer, error) {
	if base := os.Getenv(serverEnvVar); base != "" {
		return remoteLab(base, os.Getenv(caBundleEnvVar), os.Getenv)
	}
	info, err := server.ReadInfo(state)
	if err != nil {
		return labServer{}, err
	}
	resp, err := labClient.Get(info.ControlURL() + "health")
	if err != nil {
		return labServer{}, fmt.Errorf("%w: %s names pid %d at %s, which does not answer (%v); start one with `soclab serve --state %s`",
			server.ErrNotRunning, server.InfoFile, info.PID, info.Addr, err, state)
	}
	resp.Body.Close()
	return labServer{Info: info, Token: controlToken(state, os.Getenv)}, nil
}

// controlToken picks the token of a command: $SOCLAB_TOKEN when set (a learner's shell after
// `soclab env`), else the instructor's token file, which whoever owns the state folder can read.
func controlToken(state string, getenv func(string) string) string {
	if tok := strings.TrimSpace(getenv(tokenEnvVar)); tok != "" {
		return tok
	}
	tok, _ := controlauth.ReadToken(controlauth.InstructorPath(state))
	return tok
}

// callLab sends a control request (JSON in, JSON out) and turns error bodies into errors.
func callLab(info labServer, method, path string, in, out any) error {
	return callLabClient(labClient, info, method, path, in, out)
}

// callLabClient sends a control request with client c (JSON in, JSON out), like callLab; a
// remote server is called with c's timeout and the lab CA.
func callLabClient(c *http.Client, info labServer, method, path string, in, out any) error {
	if info.rootCAs != nil {
		c = info.client(c.Timeout)
	}
	body, err := labRequestBody(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(method, info.ControlURL()+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if info.Token != "" {
		req.Header.Set("Authorization", "Bearer "+info.Token)
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	return decodeLabAnswer(method, path, resp.StatusCode, resp.Status, data, out)
}

// labRequestBody encodes a control request's JSON body (none when in is nil).
func labRequestBody(in any) (io.Reader, error) {
	if in == nil {
		return http.NoBody, nil
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	return bytes.NewReader(b), nil
}

// decodeLabAnswer decodes a 200 answer into out, and turns any other answer into an error
// carrying the control endpoint's message (or, failing that, its status and body).
func decodeLabAnswer(method, path string, code int, status string, data []byte, out any) error {
	if code != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
			return errors.New(e.Error.Message)
		}
		return fmt.Errorf("%s %s: %s: %s", method, path, status, bytes.TrimSpace(data))
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}
