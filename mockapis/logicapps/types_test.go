package logicapps

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/simulator"
	model "github.com/soclab/soclab/simulator/logicapps"
	"github.com/tidwall/gjson"
)

// tenantToken accepts "Bearer <tenant id>" as that tenant's service principal.
type tenantToken struct{ w *simulator.World }

func (v tenantToken) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	t, err := v.w.TenantByID(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err != nil {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	return auth.Principal{TenantID: t.ID, ObjectID: t.ServicePrincipal.ObjectID, AppID: t.ServicePrincipal.AppID, IsServicePrincipal: true}, nil
}

// TestWorkflowsAndRuns: the seeded playbook and its runs through ARM, exact answers for
// good and bad requests, and a tenant that cannot see another's runs.
func TestWorkflowsAndRuns(t *testing.T) {
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	a, _ := w.TenantByName(simulator.DefaultTenantName)
	b, err := w.AddTenant("learner02")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(arm.NewHandler(w, tenantToken{w}, Types()...))
	defer srv.Close()
	wfID := func(t simulator.Tenant) string {
		return simulator.ResourceID(t.Subscription.ID, "rg-contoso-unified-soc", model.WorkflowType, "playbook-compromise-response")
	}
	var runName string
	w.Update(a.ID, func(tx *simulator.TenantTx) error {
		wf, _, _ := model.GetWorkflow(tx, wfID(a))
		start := time.Date(2025, 1, 15, 9, 0, 1, 0, time.UTC)
		r, err := model.RecordRun(tx, wf, model.NewRun{Trigger: "Microsoft_Sentinel_incident", Start: start, End: start.Add(4 * time.Second), Status: model.StatusSucceeded})
		runName = r.Name
		return err
	})
	get := func(ten simulator.Tenant, path string) (int, string) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+ten.ID)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	cases := []struct {
		ten         simulator.Tenant
		path        string
		status      int
		field, want string
	}{
		{a, wfID(a) + "?api-version=2019-05-01", 200, "properties.definition.triggers.Microsoft_Sentinel_incident.inputs.path", "/incident-creation"},
		{a, "/subscriptions/" + a.Subscription.ID + "/providers/Microsoft.Logic/workflows?api-version=2016-06-01", 200, "value.#.name", `["playbook-compromise-response"]`},
		{a, "/subscriptions/" + a.Subscription.ID + "/resourceGroups/rg-contoso-unified-soc/providers/Microsoft.Logic/workflows?api-version=2016-06-01", 200, "value.#", "1"},
		{a, wfID(a) + "/runs?api-version=2016-06-01", 200, "value.#.name", `["` + runName + `"]`},
		{a, wfID(a) + "/runs?api-version=2016-06-01&$top=1", 200, "value.0.properties.status", "Succeeded"},
		{a, wfID(a) + "/runs/" + runName + "?api-version=2016-06-01", 200, "properties.endTime", "2025-01-15T09:00:05.0000000Z"},
		{a, wfID(a) + "/runs/08584000000000000000000CU00?api-version=2016-06-01", 404, "error.message", "The workflow 'playbook-compromise-response' run '08584000000000000000000CU00' could not be found."},
		{a, wfID(a) + "/runs?api-version=2016-06-01&$top=251", 400, "error.code", "InvalidQueryParameterValue"},
		{a, wfID(a) + "?api-version=2014-01-01", 400, "error.code", "NoRegisteredProviderFound"},
		{b, wfID(b) + "/runs?api-version=2016-06-01", 200, "value.#", "0"},
		{b, wfID(a) + "/runs?api-version=2016-06-01", 404, "error.code", "SubscriptionNotFound"},
	}
	for _, c := range cases {
		status, body := get(c.ten, c.path)
		if status != c.status || gjson.Get(body, c.field).String() != c.want {
			t.Errorf("GET %s as %s = %d %s; want %d with %s = %s", c.path, c.ten.Name, status, body, c.status, c.field, c.want)
		}
	}
}
