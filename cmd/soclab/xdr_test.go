package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestXDRSettingsWithoutServer drives soclab xdr settings show|set and the fault that breaks the
// sync on a state folder no server runs on.
func TestXDRSettingsWithoutServer(t *testing.T) {
	state := t.TempDir()
	none := "none (no onboarded workspace has the MicrosoftThreatProtection connector with incidents enabled)"
	show := func(sync, sev string) string {
		return "tenant contoso\nincident sync       " + sync + "\nsynced severities   " + sev + "\nconnected workspace " + none + "\n"
	}
	steps := []struct {
		name          string
		run           func(out, errw *bytes.Buffer) error
		want, wantErr string
	}{
		{"show the defaults", func(o, e *bytes.Buffer) error { return runXDRSettings(xdrOptions{State: state, Action: "show"}, o, e) },
			show("on", "High, Medium, Low, Informational"), ""},
		{"the severity-filter fault narrows the sync", func(o, e *bytes.Buffer) error {
			return runFault(faultOptions{State: state, Action: "on", Name: "xdr-sync-severity-filter"}, o, e)
		}, "", ""},
		{"show finds the cause", func(o, e *bytes.Buffer) error { return runXDRSettings(xdrOptions{State: state, Action: "show"}, o, e) },
			show("on", "High"), ""},
		{"fix: all severities", func(o, e *bytes.Buffer) error {
			return runXDRSettings(xdrOptions{State: state, Action: "set", Severities: "all"}, o, e)
		}, show("on", "High, Medium, Low, Informational"), ""},
		{"sync off, two severities (case-insensitive, duplicates dropped)", func(o, e *bytes.Buffer) error {
			return runXDRSettings(xdrOptions{State: state, Action: "set", Sync: "off", Severities: "high, MEDIUM,High"}, o, e)
		}, show("off", "High, Medium"), ""},
		{"a bad severity changes nothing", func(o, e *bytes.Buffer) error {
			return runXDRSettings(xdrOptions{State: state, Action: "set", Sync: "on", Severities: "Critical"}, o, e)
		}, "", "'Critical' is not a severity (High, Medium, Low, Informational)."},
		{"still off", func(o, e *bytes.Buffer) error { return runXDRSettings(xdrOptions{State: state, Action: "show"}, o, e) },
			show("off", "High, Medium"), ""},
		{"a bad --sync", func(o, e *bytes.Buffer) error {
			return runXDRSettings(xdrOptions{State: state, Action: "set", Sync: "yes"}, o, e)
		}, "", `--sync "yes": use on or off`},
		{"set without flags", func(o, e *bytes.Buffer) error { return runXDRSettings(xdrOptions{State: state, Action: "set"}, o, e) },
			"", "nothing to set: give --sync and/or --severities"},
		{"an unknown tenant", func(o, e *bytes.Buffer) error {
			return runXDRSettings(xdrOptions{State: state, Action: "show", Tenant: "nobody"}, o, e)
		}, "", "nobody"},
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
		if s.want != "" && out.String() != s.want {
			t.Fatalf("%s: stdout\n%s\nwant\n%s", s.name, out.String(), s.want)
		}
	}
}
