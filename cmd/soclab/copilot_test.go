package main

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	copilotapi "github.com/soclab/soclab/mockapis/copilot"
)

func TestCopilotWithoutServer(t *testing.T) {
	state := t.TempDir()
	run := func(o copilotOptions, ask bool) (string, error) {
		o.State = state
		if o.Format == "" {
			o.Format = "text"
		}
		var out, errw bytes.Buffer
		var err error
		if ask {
			err = runCopilotAsk(o, &out, &errw)
		} else {
			err = runCopilotSessions(o, &out, &errw)
		}
		return out.String(), err
	}
	out, err := run(copilotOptions{}, false)
	if err != nil || out != "tenant contoso has no Security Copilot sessions\n" {
		t.Fatalf("sessions before: %q %v", out, err)
	}
	out, err = run(copilotOptions{Prompt: "List my recent incidents in Defender XDR", Format: "json"}, true)
	if err != nil {
		t.Fatal(err)
	}
	var ans copilotapi.AskAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Tenant != "contoso" || ans.State != "completed" || ans.ResultType != "success" || ans.Intent != "listIncidents" || ans.Outcome != "answered" ||
		len(ans.Sources) != 1 ||
		!strings.HasPrefix(ans.Content, "There are no incidents in Microsoft Defender XDR for this tenant yet.") {
		t.Errorf("ask: %+v", ans)
	}
	out, err = run(copilotOptions{Prompt: "tell me a joke", Session: ans.SessionID}, true)
	if err != nil || !strings.HasPrefix(out, "I can't help with that here. In this lab I can:\n") || !strings.Contains(out, "(session "+ans.SessionID+", prompt ") || !strings.HasSuffix(out, ": completed, success)\n") {
		t.Errorf("ask in the session: %q %v", out, err)
	}
	out, err = run(copilotOptions{}, false)
	if err != nil || !regexp.MustCompile(`^SESSION +CREATED +PROMPTS +NAME\n`+ans.SessionID+`  2025-01-15T07:0\d:\d\dZ  +2  List my recent incidents in Defender XDR\n$`).MatchString(out) {
		t.Errorf("sessions: %q %v", out, err)
	}
	for _, c := range []struct {
		o    copilotOptions
		want string
	}{
		{copilotOptions{Prompt: "   "}, "the prompt is empty"},
		{copilotOptions{Prompt: "list incidents", Session: "nope"}, `session "nope"`},
		{copilotOptions{Prompt: "list incidents", Tenant: "nobody"}, "nobody"},
	} {
		if _, err := run(c.o, true); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ask %+v: %v, want %q", c.o, err, c.want)
		}
	}
	if out, _ := run(copilotOptions{}, false); strings.Count(out, "\n") != 2 {
		t.Errorf("refused asks stored something: %q", out)
	}
}

func TestCopilotPluginsWithoutServer(t *testing.T) {
	state := t.TempDir()
	run := func(action, plugin string) (string, error) {
		var out, errw bytes.Buffer
		err := runCopilotPlugins(copilotOptions{State: state, Format: "text", Action: action, Plugin: plugin}, &out, &errw)
		return out.String(), err
	}
	both := func(d, s string) string {
		return "defender   Microsoft Defender XDR   " + d + "\nsentinel   Microsoft Sentinel       " + s + "\n"
	}
	steps := []struct {
		action, plugin, want, wantErr string
	}{
		{"", "", both("connected", "connected"), ""},
		{"disconnect", "defender", both("disconnected", "connected"), ""},
		{"disconnect", "nope", "", `unknown plugin "nope"`},
		{"", "", both("disconnected", "connected"), ""},
		{"connect", "Microsoft Defender XDR", both("connected", "connected"), ""},
	}
	for _, s := range steps {
		out, err := run(s.action, s.plugin)
		if s.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Errorf("%s %s: %v, want %q", s.action, s.plugin, err, s.wantErr)
			}
			continue
		}
		if err != nil || out != s.want {
			t.Errorf("%s %s: %q %v, want %q", s.action, s.plugin, out, err, s.want)
		}
	}
	var out, errw bytes.Buffer
	if err := runFault(faultOptions{State: state, Action: "on", Name: "copilot-defender-plugin-disconnected"}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if out, err := run("", ""); err != nil || out != both("disconnected", "connected") {
		t.Errorf("after the fault: %q %v", out, err)
	}
	out.Reset()
	if err := runCopilotAsk(copilotOptions{State: state, Format: "text", Prompt: "List my recent incidents in Defender XDR"}, &out, &errw); err != nil || !strings.HasPrefix(out.String(), "I don't have access to that incident.") {
		t.Errorf("ask with the plugin off: %q %v", out.String(), err)
	}
}

func TestCopilotPromptbookWithoutServer(t *testing.T) {
	state := t.TempDir()
	run := func(o copilotOptions) (string, error) {
		o.State, o.Format = state, "text"
		var out, errw bytes.Buffer
		err := runCopilotPromptbook(o, &out, &errw)
		return out.String(), err
	}
	if _, err := run(copilotOptions{}); err == nil || !strings.Contains(err.Error(), "no Defender XDR incident involves alex.johnson@contoso.com yet: give the incident input") {
		t.Errorf("before the attack: %v", err)
	}
	if _, err := run(copilotOptions{Prompt: "nope"}); err == nil || !strings.Contains(err.Error(), `unknown promptbook "nope"`) {
		t.Errorf("unknown promptbook: %v", err)
	}
	out, err := run(copilotOptions{Inputs: map[string]string{"incident": "123"}})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?s)^## 1\. Summarise Defender XDR incident 123: .*I don't have access to incident 123.*## 6\. Give containment and remediation steps for alex\.johnson@contoso\.com in priority order\..*\(promptbook soclab-task4-investigation in session [0-9a-f-]{36}: 6 prompts answered\)\n$`).MatchString(out) {
		t.Errorf("promptbook output:\n%s", out)
	}
}
