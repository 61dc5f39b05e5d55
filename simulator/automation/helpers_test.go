package automation

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/armtest"
	mocklogic "github.com/soclab/soclab/mockapis/logicapps"
	mocksentinel "github.com/soclab/soclab/mockapis/sentinel"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// The fixture: a world with the default tenant, log routing, the rule engine, this engine and
// ARM (Sentinel and Logic Apps types) behind a fake token check, as the server wires them.

const (
	labGroup     = armtest.Group
	labWorkspace = armtest.Workspace
	previewAPI   = armtest.PreviewAPI
	tier2Group   = "5f1c7a52-8f7e-4a8e-9d53-2f0b3b6c1e01"
)

type fixture struct {
	t      testing.TB
	world  *simulator.World
	logs   *logs.Engine
	detect *detect.Engine
	xdr    *xdr.Engine
	auto   *Engine
	tenant simulator.Tenant
	arm    *httptest.Server
	wsID   string
}

// groups is a directory of groups by id (display names).
type groups map[string]string

func (g groups) Owners(string) (OwnerLookup, error) {
	return func(_ *simulator.TenantTx, id string) (sentinel.Owner, bool, error) {
		name, ok := g[strings.ToLower(id)]
		if !ok {
			return sentinel.Owner{}, false, nil
		}
		group := "Group"
		return sentinel.Owner{ObjectID: &id, AssignedTo: &name, OwnerType: &group}, true, nil
	}, nil
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	lab := armtest.New(t, append(mocksentinel.LabTypes(), mocklogic.Types()...)...)
	w, le, ten, srv := lab.World, lab.Logs, lab.Tenant, lab.ARM
	det, err := detect.New(le, detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, world: w, logs: le, detect: det, xdr: xdr.New(le), auto: New(le, Options{Directory: groups{tier2Group: "SOC Tier 2"}}), arm: srv}
	f.use(ten)
	return f
}

// use points the fixture at another tenant of the world.
func (f *fixture) use(t simulator.Tenant) {
	f.tenant = t
	f.wsID = simulator.ResourceID(t.Subscription.ID, labGroup, simulator.WorkspaceType, labWorkspace)
}

// request sends an ARM request and returns the status and body.
func (f *fixture) request(method, path, body string) (int, string) {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, _ := http.NewRequest(method, f.arm.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+f.tenant.ID)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// call is request that must answer 200 or 201.
func (f *fixture) call(method, path, body string) string {
	f.t.Helper()
	return armtest.Call(f.t, f.arm.URL, f.tenant.ID, method, path, body)
}

// at sets the tenant clock and runs detection, Defender XDR and automation up to it, as the
// server's pipeline does.
func (f *fixture) at(hhmm string) {
	f.t.Helper()
	to, err := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.world.SetTime(f.tenant.ID, to); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.detect.AdvanceToNow(f.tenant.ID); err != nil {
		f.t.Fatal(err)
	}
	if err := f.xdr.Advance(f.tenant.ID, to); err != nil {
		f.t.Fatal(err)
	}
	if err := f.auto.Advance(f.tenant.ID, to); err != nil {
		f.t.Fatal(err)
	}
}

// onboard creates the lab workspace and onboards Sentinel.
func (f *fixture) onboard() {
	f.call("PUT", f.wsID+"?api-version=2021-12-01-preview", `{"location":"eastus","properties":{"sku":{"name":"PerGB2018"}}}`)
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/onboardingStates/default?api-version="+previewAPI, "")
}

// connector enables the Microsoft Defender XDR connector (Task 2).
func (f *fixture) connector() {
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/dataConnectors/m365d?api-version=2023-02-01-preview",
		fmt.Sprintf(`{"kind":"MicrosoftThreatProtection","properties":{"tenantId":%q,"dataTypes":{"incidents":{"state":"Enabled"},"alerts":{"state":"Enabled"}}}}`, f.tenant.ID))
}

// labRule creates one of the lab's analytics rules (challenge.md's bodies, shared with the
// rule engine's tests).
func (f *fixture) labRule(name string) {
	body, err := os.ReadFile("../detect/testdata/" + name + ".json")
	if err != nil {
		f.t.Fatal(err)
	}
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/alertRules/"+name+"?api-version="+previewAPI, string(body))
}

// automationRule creates an automation rule from its properties' JSON.
func (f *fixture) automationRule(name, props string) {
	f.call("PUT", f.wsID+"/providers/Microsoft.SecurityInsights/automationRules/"+name+"?api-version=2023-02-01", `{"properties":`+props+`}`)
}

// playbookID is the ARM id of the scenario's playbook in the fixture's tenant.
func (f *fixture) playbookID() string {
	return simulator.ResourceID(f.tenant.Subscription.ID, labGroup, "Microsoft.Logic/workflows", "playbook-compromise-response")
}

// incidentView is what the tests check of an incident.
type incidentView struct {
	ID, Title, Severity, Status, Owner, OwnerType string
	Classification, Reason                        string
	Labels, Comments, Tasks, Activity             []string
}

func (f *fixture) incidents() []incidentView {
	f.t.Helper()
	var out []incidentView
	err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
		incs, err := sentinel.Incidents(tx, f.wsID)
		if err != nil {
			return err
		}
		for _, inc := range incs {
			p := inc.Properties
			v := incidentView{ID: inc.ID, Title: deref(p.Title), Severity: deref(p.Severity), Status: deref(p.Status),
				Classification: deref(p.Classification), Reason: deref(p.ClassificationReason)}
			if p.Owner != nil {
				v.Owner, v.OwnerType = deref(p.Owner.ObjectID)+"/"+deref(p.Owner.AssignedTo), deref(p.Owner.OwnerType)
			}
			for _, l := range p.Labels {
				v.Labels = append(v.Labels, l.LabelName+":"+l.LabelType)
			}
			cs, err := tx.ResourcesUnder(inc.ID+"/comments", "Microsoft.SecurityInsights/incidents/comments")
			if err != nil {
				return err
			}
			for _, c := range cs {
				var cm sentinel.Comment
				if err := jsonUnmarshal(c.Body, &cm); err != nil {
					return err
				}
				v.Comments = append(v.Comments, cm.Properties.Author.Name+": "+deref(cm.Properties.Message))
			}
			ts, err := sentinel.Tasks(tx, inc.ID)
			if err != nil {
				return err
			}
			for _, t := range ts {
				v.Tasks = append(v.Tasks, t.Properties.Title+" ("+t.Properties.Status+")")
			}
			log, err := sentinel.IncidentActivity(tx, inc.ID)
			if err != nil {
				return err
			}
			for _, e := range log {
				v.Activity = append(v.Activity, e.Text())
			}
			out = append(out, v)
		}
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// createIncident makes an incident as the rule engine does, at lab time hh:mm.
func (f *fixture) createIncident(hhmm string, in sentinel.NewIncident, alert sentinel.NewAlert) string {
	f.t.Helper()
	at, _ := time.Parse("2006-01-02 15:04", "2025-01-15 "+hhmm)
	var id string
	err := f.world.UpdateAt(f.tenant.ID, at, func(tx *simulator.TenantTx) error {
		a, err := sentinel.CreateAlert(tx, f.wsID, alert)
		if err != nil {
			return err
		}
		inc, err := sentinel.CreateIncident(tx, f.wsID, in, a.ID)
		id = inc.ID
		return err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// kql runs a query over the workspace at the tenant clock; rows as text joined by " | ".
func (f *fixture) kql(src string) []string {
	f.t.Helper()
	return armtest.WorkspaceRows(f.t, f.logs, f.tenant.ID, f.wsID, src)
}

func wantEqual(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n got: %s\nwant: %s", what, fmt.Sprintf("%q", got), fmt.Sprintf("%q", want))
	}
}
