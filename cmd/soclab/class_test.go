package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/classreport"
)

// TestClassReportCommand: through a running server with contoso and learner01, the class
// report grades the learner tenants (not the instructor's default one) and reads their action
// logs with the instructor's token; a learner's token may read neither the tenant list nor
// the action logs; unknown tenants and formats are usage errors.
func TestClassReportCommand(t *testing.T) {
	l := startOwnersLab(t)
	if status, body := l.do(t, l.l1, "GET", "activity?tenant=learner01", ""); status != 403 || !strings.Contains(body, "needs the instructor's token") {
		t.Errorf("learner01's token on its own action log: %d %s", status, body)
	}
	if status, body := l.do(t, l.l1, "GET", "activity?tenant=contoso", ""); status != 403 {
		t.Errorf("learner01's token on contoso's action log: %d %s", status, body)
	}
	if status, body := l.do(t, l.instructor, "GET", "activity?tenant=learner01", ""); status != 200 || !strings.Contains(body, `"tenantName":"learner01"`) {
		t.Errorf("the instructor on learner01's action log: %d %s", status, body)
	}

	t.Setenv(tokenEnvVar, "")
	now := func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	var out, errw bytes.Buffer
	if err := runClassReport(classOptions{State: l.state, Format: "json", Now: now}, &out, &errw); err != nil {
		t.Fatalf("class report: %v\n%s", err, errw.String())
	}
	var rep classreport.Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Learners != 1 || len(rep.Rows) != 1 || rep.Rows[0].Tenant != "learner01" || rep.Scenario != "alex-johnson" ||
		rep.MaxScore == 0 || rep.Rows[0].Score != 0 || rep.Rows[0].Actions != 0 || len(rep.CommonFailures) == 0 || !rep.Generated.Equal(now()) {
		t.Errorf("class report of a fresh learner01: %s", out.String())
	}
	if errw.String() != "" {
		t.Errorf("stderr %q without --verbose", errw.String())
	}

	out.Reset()
	if err := runClassReport(classOptions{State: l.state, Format: "csv", Tenants: []string{"contoso", "learner01"}}, &out, &errw); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); len(lines) != 1+2*len(rep.Tasks) || !strings.HasPrefix(lines[1], "contoso,1,") {
		t.Errorf("csv of contoso and learner01:\n%s", out.String())
	}

	for _, tc := range []struct {
		o     classOptions
		token string
		want  string
		usage bool
	}{
		{classOptions{State: l.state, Format: "pdf"}, "", `--format "pdf": use text, csv, json or html`, true},
		{classOptions{State: l.state, Format: "text", Tenants: []string{"nobody"}}, "", `--tenants: no tenant "nobody" (the lab has contoso, learner01)`, true},
		{classOptions{State: l.state, Format: "text"}, l.l1, "list the tenants (the class report needs the instructor's control token): /_soclab/tenants is not open to a tenant's control token", false},
	} {
		t.Setenv(tokenEnvVar, tc.token)
		err := runClassReport(tc.o, &bytes.Buffer{}, &bytes.Buffer{})
		_, usage := err.(usageError)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || usage != tc.usage {
			t.Errorf("%+v: %v (usage %v), want %q (usage %v)", tc.o, err, usage, tc.want, tc.usage)
		}
	}
}
