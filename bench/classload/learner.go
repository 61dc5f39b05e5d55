package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/mockapis/server"
)

// Lab resources every learner creates (challenge.md Task 1).
const (
	labGroup     = "rg-contoso-unified-soc"
	labWorkspace = "law-contoso-unified"
	sentinelAPI  = "2022-06-01-preview"
	workspaceAPI = "2022-10-01"
)

// learner is one tenant's credentials and what it learned on the way.
type learner struct {
	name string
	cred server.Credentials
	// tokens by audience (arm, la, graph); customerID is the workspace's query id.
	tokens     map[string]string
	customerID string
	// pace spaces the learner's commands (nil: none; the hostile tenant never pauses).
	pace *pacing
	// gradeParts keeps where the learner's grades' time went (engine9.go; nil: not kept).
	gradeParts *gradeParts
}

// scopes are the audiences a learner signs in to, as az asks for them.
var scopes = map[string]string{
	"arm":   "https://management.azure.com/.default",
	"la":    "https://api.loganalytics.io/.default",
	"graph": "https://graph.microsoft.com/.default",
}

// call sends one timed request and records it under kind. A non-2xx answer is returned as an
// error holding the body's error code; a 2xx answer that carries an error object (Log
// Analytics' PartialError) is recorded with its code. A 429 is retried after its Retry-After
// (at most 10 s, up to 5 times) as the Azure SDKs do; each 429 is recorded as kind "throttled".
func call(ctx context.Context, c *http.Client, rec *recorder, kind, method, u string, header map[string]string, body []byte) ([]byte, error) {
	for attempt := 0; ; attempt++ {
		data, wait, err := send(ctx, c, rec, kind, method, u, header, body)
		if wait == 0 || attempt == 5 {
			return data, err
		}
		select {
		case <-ctx.Done():
			return data, err
		case <-time.After(wait):
		}
	}
}

// send makes one attempt; wait > 0 asks for a retry after it (the answer was a 429).
func send(ctx context.Context, c *http.Client, rec *recorder, kind, method, u string, header map[string]string, body []byte) ([]byte, time.Duration, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, 0, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	began := time.Now()
	what := gjson.GetBytes(body, "query").String() + gjson.GetBytes(body, "Query").String()
	if len(what) > 70 {
		what = what[:70] + "…"
	}
	what = strings.Join(strings.Fields(what), " ")
	resp, err := c.Do(req)
	if err != nil {
		rec.add(sample{kind: kind, took: time.Since(began), detail: "no answer: " + shortErr(err), what: what, began: began})
		return nil, 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(began)
	s := sample{kind: kind, took: took, status: resp.StatusCode, what: what, began: began}
	if err != nil {
		s.status, s.detail = 0, "body cut: "+shortErr(err)
		rec.add(s)
		return nil, 0, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		s.kind, s.detail = "throttled", kind+": "+errorCode(data)
		rec.add(s)
		wait := time.Second
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && n > 0 {
			wait = time.Duration(min(n, 10)) * time.Second
		}
		return data, wait, fmt.Errorf("%s %s: 429 %s", method, u, errorCode(data))
	}
	if resp.StatusCode/100 != 2 {
		s.detail = errorCode(data)
		rec.add(s)
		return data, 0, fmt.Errorf("%s %s: %d %s", method, u, resp.StatusCode, s.detail)
	}
	s.status = 200 // 201/202 count as success
	if gjson.GetBytes(data, "error").Exists() {
		s.detail = "200 with " + errorCode(data)
	}
	rec.add(s)
	return data, 0, nil
}

// errorCode names an error answer: ARM's or Kusto's error code and inner code, or OAuth's.
func errorCode(data []byte) string {
	j := gjson.ParseBytes(data)
	parts := []string{}
	for _, p := range []string{"error.code", "error.details.0.code", "error.innererror.code", "error.details.0.innererror.code", "error.innererror.innererror.code", "error"} {
		if v := j.Get(p); v.Exists() && v.Type == gjson.String {
			parts = append(parts, v.String())
		}
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%.80s", data)
	}
	return strings.Join(parts, "/")
}

func shortErr(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err) {
		return "timeout"
	}
	return fmt.Sprintf("%.80s", err.Error())
}

// signIn gets a client-credentials token per audience from the tenant's token endpoint.
func (l *learner) signIn(ctx context.Context, c *http.Client, rec *recorder) error {
	l.tokens = map[string]string{}
	for aud, scope := range scopes {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {l.cred.SPAppID},
			"client_secret": {l.cred.SPSecret}, "scope": {scope}}
		data, err := call(ctx, c, rec, "token", "POST", "https://login.microsoftonline.com/"+l.cred.TenantID+"/oauth2/v2.0/token",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, []byte(form.Encode()))
		if err != nil {
			return fmt.Errorf("%s: token for %s: %w", l.name, aud, err)
		}
		l.tokens[aud] = gjson.GetBytes(data, "access_token").String()
	}
	return nil
}

func (l *learner) bearer(aud string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + l.tokens[aud], "Content-Type": "application/json"}
}

// workspaceURL is the ARM id URL of the lab workspace.
func (l *learner) workspaceURL() string {
	return "https://management.azure.com/subscriptions/" + l.cred.SubscriptionID + "/resourceGroups/" + labGroup +
		"/providers/Microsoft.OperationalInsights/workspaces/" + labWorkspace
}

// setUp creates the workspace, turns Sentinel on and creates the three rules.
func (l *learner) setUp(ctx context.Context, c *http.Client, rec *recorder, lt *labText) error {
	ws := l.workspaceURL()
	body := []byte(`{"location":"eastus","properties":{"sku":{"name":"PerGB2018"},"retentionInDays":30}}`)
	l.pace.pause(ctx)
	if _, err := call(ctx, c, rec, "arm-put", "PUT", ws+"?api-version="+workspaceAPI, l.bearer("arm"), body); err != nil {
		return fmt.Errorf("%s: create workspace: %w", l.name, err)
	}
	l.pace.pause(ctx)
	data, err := call(ctx, c, rec, "arm-get", "GET", ws+"?api-version="+workspaceAPI, l.bearer("arm"), nil)
	if err != nil {
		return fmt.Errorf("%s: show workspace: %w", l.name, err)
	}
	if l.customerID = gjson.GetBytes(data, "properties.customerId").String(); l.customerID == "" {
		return fmt.Errorf("%s: the workspace has no customerId: %.200s", l.name, data)
	}
	sentinel := ws + "/providers/Microsoft.SecurityInsights/"
	l.pace.pause(ctx)
	if _, err := call(ctx, c, rec, "arm-put", "PUT", sentinel+"onboardingStates/default?api-version="+sentinelAPI, l.bearer("arm"), []byte(`{"properties":{}}`)); err != nil {
		return fmt.Errorf("%s: onboard Sentinel: %w", l.name, err)
	}
	for _, r := range lt.Rules {
		b, _ := json.Marshal(r.armBody())
		l.pace.pause(ctx)
		if _, err := call(ctx, c, rec, "arm-put", "PUT", sentinel+"alertRules/"+r.Name+"?api-version="+sentinelAPI, l.bearer("arm"), b); err != nil {
			return fmt.Errorf("%s: create rule %s: %w", l.name, r.Name, err)
		}
	}
	return nil
}

// query runs KQL through the Log Analytics API (kind la-query).
func (l *learner) query(ctx context.Context, c *http.Client, rec *recorder, kind, kql string) ([]byte, error) {
	b, _ := json.Marshal(map[string]string{"query": kql})
	l.pace.pause(ctx)
	return call(ctx, c, rec, kind, "POST", "https://api.loganalytics.io/v1/workspaces/"+l.customerID+"/query", l.bearer("la"), b)
}

// hunt runs KQL through Graph advanced hunting.
func (l *learner) hunt(ctx context.Context, c *http.Client, rec *recorder, kql string) error {
	b, _ := json.Marshal(map[string]string{"Query": kql})
	l.pace.pause(ctx)
	_, err := call(ctx, c, rec, "hunt", "POST", "https://graph.microsoft.com/v1.0/security/runHuntingQuery", l.bearer("graph"), b)
	return err
}
