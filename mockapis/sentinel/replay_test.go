package sentinel

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// recorded is one request of the real az CLI (2.45 + sentinel 0.2.0) captured through a
// proxy (../../shared/reference/az-traffic.jsonl, ARM requests only, tokens removed).
type recorded struct {
	Method  string            `json:"method"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Body    *string           `json:"body"`
	Headers map[string]string `json:"headers"`
}

const (
	recordedSub    = "22222222-2222-2222-2222-222222222222"
	recordedTenant = "11111111-1111-1111-1111-111111111111"
)

// TestReplayAzTraffic sends the CLI's exact requests (paths, bodies, headers) and checks
// the statuses its generated code accepts and the fields its output shows. The automation
// rule as the lab wrote it carries a non-GUID owner objectId and is refused; the corrected
// rule (challenge.md Task 5) is then accepted.
func TestReplayAzTraffic(t *testing.T) {
	f := newFixture(t)
	file, err := os.Open("testdata/az-traffic.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	type want struct {
		status   int
		accepted []int // what the CLI accepts
		fields   map[string]any
	}
	expect := map[string]want{
		"group create":                           {200, []int{200, 201}, map[string]any{"name": group}},
		"monitor log-analytics workspace create": {201, []int{200, 201, 202}, map[string]any{"properties.provisioningState": "Succeeded"}},
		"sentinel onboarding-state create":       {201, []int{200, 201}, map[string]any{"name": "default", "type": "Microsoft.SecurityInsights/onboardingStates", "properties.customerManagedKey": false}},
		"monitor log-analytics workspace show":   {200, []int{200}, map[string]any{"name": workspace}},
		"sentinel alert-rule create":             {201, []int{200, 201}, map[string]any{"type": "Microsoft.SecurityInsights/alertRules", "properties.enabled": true, "properties.suppressionDuration": "PT1H", "properties.lastModifiedUtc": "2025-01-15T07:00:00.0000000Z"}},
		"sentinel data-connector create":         {201, []int{200, 201}, map[string]any{"kind": "MicrosoftThreatProtection", "properties.dataTypes.incidents.state": "Enabled"}},
		"sentinel automation-rule create":        {400, nil, map[string]any{"error.code": "BadRequest"}},
		"sentinel data-connector show":           {200, []int{200}, map[string]any{"name": "MicrosoftThreatProtection"}},
		"monitor diagnostic-settings list":       {200, []int{200}, nil},
		"monitor diagnostic-settings create":     {200, []int{200}, map[string]any{"name": "send-to-sentinel"}},
		"sentinel alert-rule show":               {200, []int{200}, map[string]any{"kind": "NRT", "properties.displayName": "Post-Compromise Credential Access Attempt", "properties.severity": "High"}},
		"sentinel alert-rule delete":             {200, []int{200, 204}, nil},
		"sentinel automation-rule delete":        {200, []int{200, 204}, nil},
		"group delete":                           {202, []int{200, 202}, nil},
	}
	sc := bufio.NewScanner(file)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		var r recorded
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		cmd := r.Headers["CommandName"]
		w, ok := expect[cmd]
		if !ok {
			t.Fatalf("no expectation for %q", cmd)
		}
		path := strings.ReplaceAll(r.Path, recordedSub, "{subA}") + "?" + r.Query
		body := ""
		if r.Body != nil {
			body = strings.ReplaceAll(strings.ReplaceAll(*r.Body, recordedSub, "{subA}"), recordedTenant, "{tidA}")
		}
		var hdr []string
		for k, v := range r.Headers {
			hdr = append(hdr, k, v)
		}
		got := f.do("tok-a", r.Method, path, body, hdr...)
		n++
		if got.status != w.status || (w.accepted != nil && !slices.Contains(w.accepted, got.status)) {
			t.Fatalf("%s %s (%s): status %d, want %d\n%s", r.Method, r.Path, cmd, got.status, w.status, got.body)
		}
		for k, v := range w.fields {
			if g := field(t, got.body, k); g != v {
				t.Errorf("%s: %s = %v, want %v", cmd, k, g, v)
			}
		}
		if cmd == "sentinel alert-rule create" || cmd == "sentinel data-connector create" {
			if e, _ := field(t, got.body, "etag").(string); !strings.HasPrefix(e, `"`) {
				t.Errorf("%s: etag %q is not a quoted etag", cmd, e)
			}
		}
		if cmd == "sentinel automation-rule create" {
			msg, _ := field(t, got.body, "error.message").(string)
			if !strings.Contains(msg, "properties.actions[0].actionConfiguration.owner.objectId") || !strings.Contains(msg, "soc-tier2-group-object-id") {
				t.Errorf("automation rule refusal does not name the owner objectId: %s", msg)
			}
			// The learner's fix: the SOC Tier 2 group's object id.
			fixed := strings.Replace(body, "soc-tier2-group-object-id", "5f3b1c2a-7d4e-4a8b-9c1d-2e3f4a5b6c7d", 1)
			if got := f.do("tok-a", r.Method, path, fixed, hdr...); got.status != 201 {
				t.Fatalf("corrected automation rule: %d %s", got.status, got.body)
			} else if field(t, got.body, "properties.actions") == nil || field(t, got.body, "properties.triggeringLogic.triggersOn") != "Incidents" {
				t.Errorf("corrected automation rule body: %s", got.body)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 18 {
		t.Fatalf("replayed %d requests, want 18", n)
	}
}
