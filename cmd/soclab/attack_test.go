package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator/logs"
)

// TestAttackFaultKQLWithoutServer drives soclab attack, fault and kql on a state folder no
// server runs on: they use the state file directly and say so.
func TestAttackFaultKQLWithoutServer(t *testing.T) {
	state := t.TempDir()
	note := "(no soclab server runs on " + state + ": used its state file directly)\n"
	steps := []struct {
		name    string
		run     func(out, errw *bytes.Buffer) error
		want    string
		wantErr string
	}{
		{"freeze the clock", func(o, e *bytes.Buffer) error {
			return runClock(clockOptions{State: state, Action: "freeze"}, o, e)
		}, "", ""},
		{"fault list", func(o, e *bytes.Buffer) error { return runFault(faultOptions{State: state, Action: "list"}, o, e) },
			"xdr-sync-severity-filter             off case 1: Sentinel incident does not reach the Defender XDR queue\n" +
				"xdr-sync-off                         off case 1: Sentinel incidents and Defender XDR incidents stop crossing over\n" +
				"copilot-defender-plugin-disconnected off case 2: Security Copilot answers \"I don't have access to that incident\"\n" +
				"kv-diagnostics-missing               off case 3: NRT credential-access rule never fires\n" +
				"copilot-analyst-role-missing         off case 2: Security Copilot cannot read Defender XDR for the analyst\n", ""},
		{"fault on", func(o, e *bytes.Buffer) error {
			return runFault(faultOptions{State: state, Action: "on", Name: "kv-diagnostics-missing"}, o, e)
		}, "", ""},
		{"fault on an unknown name", func(o, e *bytes.Buffer) error {
			return runFault(faultOptions{State: state, Action: "on", Name: "kv-diagnostic-missing"}, o, e)
		}, "", `unknown fault "kv-diagnostic-missing" (faults: [xdr-sync-severity-filter xdr-sync-off copilot-defender-plugin-disconnected kv-diagnostics-missing copilot-analyst-role-missing])`},
		{"attack status before launch", func(o, e *bytes.Buffer) error {
			return runAttack(attackOptions{State: state, Action: "status"}, o, e)
		}, "tenant contoso  clock 2025-01-15T07:00:00Z  attack 08:30-10:00  not launched\n", ""},
		{"attack launch with a bad speed", func(o, e *bytes.Buffer) error {
			return runAttack(attackOptions{State: state, Action: "launch", Speed: "fast"}, o, e)
		}, "", `bad speed "fast": use instant, realtime or xN (e.g. x60)`},
		{"attack launch", func(o, e *bytes.Buffer) error {
			return runAttack(attackOptions{State: state, Action: "launch", Speed: "instant"}, o, e)
		}, "tenant contoso  clock 2025-01-15T10:05:00Z  attack 08:30-10:00  launched at 2025-01-15T07:00:00Z (instant)\n", ""},
		{"attack replay", func(o, e *bytes.Buffer) error {
			return runAttack(attackOptions{State: state, Action: "replay", Step: "credential-access"}, o, e)
		}, "replayed credential-access at 2025-01-15T10:05:00Z\n", ""},
		{"attack replay of an unknown step", func(o, e *bytes.Buffer) error {
			return runAttack(attackOptions{State: state, Action: "replay", Step: "exfil"}, o, e)
		}, "", `unknown attack step "exfil"`},
	}
	for _, s := range steps {
		var out, errw bytes.Buffer
		err := s.run(&out, &errw)
		switch {
		case s.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Fatalf("%s: error %v, want %q", s.name, err, s.wantErr)
			}
			continue
		case err != nil:
			t.Fatalf("%s: %v", s.name, err)
		}
		if s.want != "" && !strings.HasPrefix(out.String(), s.want) {
			t.Fatalf("%s: stdout\n%s\nwant prefix\n%s", s.name, out.String(), s.want)
		}
		if s.name != "freeze the clock" && errw.String() != note {
			t.Fatalf("%s: stderr %q, want %q", s.name, errw.String(), note)
		}
	}
	// soclab kql without --data needs the tenant's workspace; a query without tables runs locally.
	var out, errw bytes.Buffer
	code := runKQL(context.Background(), kqlOptions{Query: "SigninLogs | count", Output: "json", Repeat: 1, State: state}, true, &out, &errw)
	if code != exitQueryError || !strings.Contains(errw.String(), "tenant contoso has no Log Analytics workspace yet") {
		t.Fatalf("kql without a workspace: %d %q", code, errw.String())
	}
	out.Reset()
	errw.Reset()
	code = runKQL(context.Background(), kqlOptions{Query: "print x = 1", Output: "json", Repeat: 1, State: state}, true, &out, &errw)
	if code != exitOK || out.String() != "{\"columns\":[{\"name\":\"x\",\"type\":\"long\"}],\"rows\":[[1]]}\n" {
		t.Fatalf("kql print: %d %q %q", code, out.String(), errw.String())
	}
}

// TestPrintAttackAlignsTechniques keeps the columns aligned for sub-technique ids (T1110.003)
// and lists the steps in time order.
func TestPrintAttackAlignsTechniques(t *testing.T) {
	at := time.Date(2025, 1, 15, 8, 31, 40, 0, time.UTC)
	st := logs.AttackStatus{Tenant: "contoso", Now: at, Start: at, End: at, Steps: []logs.StepInfo{
		{ID: "password-spray", Technique: "T1110.003", First: at.Add(time.Minute), Title: "Spray"},
		{ID: "attacker-return", Technique: "T1550.001", First: at.Add(5 * time.Hour), Title: "Return", Conditional: true},
		{ID: "initial-access", Technique: "T1078", First: at, Played: true, Title: "Sign-in"},
	}}
	var b bytes.Buffer
	if err := printAttack(&b, st); err != nil {
		t.Fatal(err)
	}
	want := "tenant contoso  clock 2025-01-15T08:31:40Z  attack 08:31-08:31  not launched\n" +
		"  initial-access       T1078     08:31:40  played   Sign-in\n" +
		"  password-spray       T1110.003 08:32:40  pending  Spray\n" +
		"  attacker-return      T1550.001 13:31:40  pending  Return (outcome decided by the directory then)\n"
	if b.String() != want {
		t.Errorf("printAttack:\n%s\nwant:\n%s", b.String(), want)
	}
}
