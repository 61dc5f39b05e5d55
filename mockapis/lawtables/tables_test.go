package lawtables_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/tidwall/gjson"

	"github.com/soclab/soclab/mockapis/armtest"
	"github.com/soclab/soclab/mockapis/lawtables"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

func newLab(t *testing.T) (*armtest.Lab, string) {
	t.Helper()
	schemas, err := logs.WorkspaceSchemas()
	if err != nil {
		t.Fatal(err)
	}
	lab := armtest.New(t, lawtables.Types(schemas)...)
	base := "/subscriptions/" + lab.Tenant.Subscription.ID + "/resourceGroups/" + armtest.Group
	armtest.Call(t, lab.ARM.URL, lab.Tenant.ID, http.MethodPut, base+"?api-version=2021-04-01", `{"location":"eastus"}`)
	ws := base + "/providers/Microsoft.OperationalInsights/workspaces/" + armtest.Workspace
	armtest.Call(t, lab.ARM.URL, lab.Tenant.ID, http.MethodPut, ws+"?api-version=2022-10-01", `{"location":"eastus","properties":{"retentionInDays":90}}`)
	return lab, ws
}

// TestListAndShowTables: the list has every workspace table with its plan, the workspace's
// retention and its schema; show gives one table (any case of its name) with the columns the
// query API resolves, TenantId a hidden guid and _BilledSize hidden.
func TestListAndShowTables(t *testing.T) {
	lab, ws := newLab(t)
	body := armtest.Call(t, lab.ARM.URL, lab.Tenant.ID, http.MethodGet, ws+"/tables?api-version=2022-10-01", "")
	names := map[string]bool{}
	for _, v := range gjson.Get(body, "value").Array() {
		names[v.Get("name").String()] = true
		if v.Get("properties.plan").String() != "Analytics" || v.Get("properties.retentionInDays").Int() != 90 ||
			v.Get("properties.totalRetentionInDays").Int() != 90 || v.Get("properties.schema.tableType").String() != "Microsoft" ||
			v.Get("id").String() != simulator.ResourceID(lab.Tenant.Subscription.ID, armtest.Group, simulator.WorkspaceType, armtest.Workspace)+"/tables/"+v.Get("name").String() {
			t.Fatalf("table entry: %s", v.Raw)
		}
	}
	for _, want := range []string{"SigninLogs", "ThreatIntelligenceIndicator", "DeviceProcessEvents", "SecurityEvent", "BehaviorAnalytics"} {
		if !names[want] {
			t.Errorf("list lacks %s", want)
		}
	}
	if names["AADSignInEventsBeta"] {
		t.Error("AADSignInEventsBeta is an advanced hunting table only")
	}
	got := armtest.Call(t, lab.ARM.URL, lab.Tenant.ID, http.MethodGet, ws+"/tables/signinlogs?api-version=2022-10-01", "")
	if n := gjson.Get(got, "name").String(); n != "SigninLogs" || !strings.HasSuffix(gjson.Get(got, "id").String(), "/tables/SigninLogs") {
		t.Fatalf("show signinlogs: name %q id %q", n, gjson.Get(got, "id").String())
	}
	cols := map[string]gjson.Result{}
	for _, c := range gjson.Get(got, "properties.schema.standardColumns").Array() {
		cols[c.Get("name").String()] = c
	}
	cases := []struct {
		col, typ string
		hidden   bool
	}{
		{"TimeGenerated", "datetime", false}, {"ResultType", "string", false}, {"LocationDetails", "dynamic", false},
		{"TenantId", "guid", true}, {"_BilledSize", "real", true}, {"Type", "string", false},
	}
	for _, c := range cases {
		got := cols[c.col]
		if !got.Exists() || got.Get("type").String() != c.typ || got.Get("isHidden").Bool() != c.hidden {
			t.Errorf("SigninLogs.%s: %s", c.col, got.Raw)
		}
	}
	if cols["_ItemId"].Exists() {
		t.Error("_ItemId is internal, not in a table's schema")
	}
	var parsed struct {
		Properties struct {
			Schema struct{ Columns []any } `json:"schema"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(got), &parsed); err != nil || parsed.Properties.Schema.Columns == nil {
		t.Errorf("schema.columns should be an empty list: %v", err)
	}
}

// TestTablesErrors: an unknown table, an unknown workspace, another tenant's workspace and a
// bad api-version get ARM's errors, and nothing is listed for them.
func TestTablesErrors(t *testing.T) {
	lab, ws := newLab(t)
	other, err := lab.World.AddTenant("other")
	if err != nil {
		t.Fatal(err)
	}
	otherWS := strings.Replace(ws, lab.Tenant.Subscription.ID, other.Subscription.ID, 1)
	cases := []struct {
		name, tenant, path string
		status             int
		code               string
	}{
		{"unknown table", lab.Tenant.ID, ws + "/tables/NoSuchTable?api-version=2022-10-01", 404, "ResourceNotFound"},
		{"unknown workspace", lab.Tenant.ID, strings.Replace(ws, armtest.Workspace, "law-missing", 1) + "/tables?api-version=2022-10-01", 404, "ResourceNotFound"},
		{"another tenant's subscription", other.ID, ws + "/tables/SigninLogs?api-version=2022-10-01", 404, "SubscriptionNotFound"},
		{"own subscription, workspace only in the other tenant", lab.Tenant.ID, otherWS + "/tables?api-version=2022-10-01", 404, "SubscriptionNotFound"},
		{"bad api-version", lab.Tenant.ID, ws + "/tables?api-version=2019-01-01", 400, "NoRegisteredProviderFound"},
	}
	for _, c := range cases {
		status, body := armtest.Send(t, lab.ARM.URL, c.tenant, http.MethodGet, c.path, "")
		if status != c.status || gjson.Get(body, "error.code").String() != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.code)
		}
	}
	status, body := armtest.Send(t, lab.ARM.URL, lab.Tenant.ID, http.MethodDelete, ws+"/tables/SigninLogs?api-version=2022-10-01", "")
	if status != http.StatusMethodNotAllowed || gjson.Get(body, "error.code").String() == "" {
		t.Errorf("delete a Microsoft table: %d %s", status, body)
	}
}
