package xdr

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/mockapis/defender"
	"github.com/soclab/soclab/mockapis/graph"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/simtest"
	"github.com/soclab/soclab/simulator/xdr"
)

// tokenVerifier accepts "Bearer <tenant id>" as an analyst of that tenant.
type tokenVerifier struct{ w *simulator.World }

func (v tokenVerifier) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	t, err := v.w.TenantByID(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err != nil {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	return auth.Principal{TenantID: t.ID, UPN: "analyst@" + t.Domain}, nil
}

var (
	scenOnce sync.Once
	scen     *scenario.Scenario
)

type apiFixture struct {
	world          *simulator.World
	graph, api     http.Handler
	contoso, other simulator.Tenant
}

// newAPIFixture: contoso has the attack launched and Defender advanced to 10:30 (two incidents,
// seven alerts); the second tenant has nothing.
func newAPIFixture(t testing.TB) *apiFixture {
	t.Helper()
	scenOnce.Do(func() { scen, _ = scenario.LoadBuiltin("alex-johnson") })
	w, err := simulator.Open(t.TempDir(), simulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, scen, logs.Options{Seed: 1, Users: 20, Days: 1})
	if err != nil {
		t.Fatal(err)
	}
	contoso, _ := w.TenantByName(simulator.DefaultTenantName)
	other, err := w.AddTenant("fabrikam")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := le.Launch(contoso.ID, logs.Speed{}); err != nil {
		t.Fatal(err)
	}
	to := time.Date(2025, 1, 15, 10, 30, 0, 0, time.UTC)
	w.SetTime(contoso.ID, to)
	if err := xdr.New(le).Advance(contoso.ID, to); err != nil {
		t.Fatal(err)
	}
	v := tokenVerifier{w}
	return &apiFixture{world: w, graph: graph.NewHandler(v, GraphRoutes(w)...), api: defender.NewHandler(v, DefenderRoutes(w)...), contoso: contoso, other: other}
}

func (f *apiFixture) do(t testing.TB, h http.Handler, tenant simulator.Tenant, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.Header.Set("Authorization", "Bearer "+tenant.ID)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var out map[string]any
	json.Unmarshal(rec.Body.Bytes(), &out)
	return rec.Code, out
}

// pick reads dotted paths of a JSON answer ("value.0.id", "error.code"; keys may hold dots, as
// "@odata.context") as text; "<missing>" when a key is absent.
func pick(v any, path string) string {
	if path == "" {
		switch x := v.(type) {
		case string:
			return x
		case nil:
			return "null"
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	switch x := v.(type) {
	case map[string]any:
		for i := len(path); i > 0; i-- {
			if i < len(path) && path[i] != '.' {
				continue
			}
			if val, ok := x[path[:i]]; ok {
				return pick(val, strings.TrimPrefix(path[i:], "."))
			}
		}
	case []any:
		seg, rest, _ := strings.Cut(path, ".")
		i, err := strconv.Atoi(seg)
		if err == nil && i < len(x) {
			return pick(x[i], rest)
		}
	}
	return "<missing>"
}

// digest is the tenant's state including Defender XDR's collection.
func digest(t testing.TB, w *simulator.World, tenantID string) string {
	var b strings.Builder
	b.WriteString(simtest.TenantDigest(t, w, tenantID))
	w.View(tenantID, func(tx *simulator.TenantTx) error {
		return tx.Scan("xdr", "", func(k string, v []byte) error { b.WriteString(k + "=" + string(v) + "\n"); return nil })
	})
	return b.String()
}

// alertID is the id of contoso's alert with the title.
func (f *apiFixture) alertID(t testing.TB, title string) string {
	id := ""
	f.world.View(f.contoso.ID, func(tx *simulator.TenantTx) error {
		all, err := xdr.Alerts(tx)
		for _, a := range all {
			if a.Title == title {
				id = a.ID
			}
		}
		return err
	})
	if id == "" {
		t.Fatalf("no alert %q", title)
	}
	return id
}

const multi = "Multi-stage incident involving Initial access & Credential access involving one user reported by multiple sources"

type apiCase struct {
	name, method, path, body string
	foreign                  bool // as the other tenant
	status                   int
	want                     map[string]string // path -> value
	writes                   bool              // a successful write (state changes)
}

func runAPICases(t *testing.T, graphSide bool, cases []apiCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newAPIFixture(t)
			h := f.api
			if graphSide {
				h = f.graph
			}
			ten := f.contoso
			if c.foreign {
				ten = f.other
			}
			path := strings.ReplaceAll(c.path, "{alert}", f.alertID(t, "Anonymous IP address"))
			before := digest(t, f.world, f.contoso.ID)
			status, body := f.do(t, h, ten, c.method, path, c.body)
			if status != c.status {
				t.Fatalf("status %d, want %d: %v", status, c.status, body)
			}
			for p, want := range c.want {
				if got := pick(body, p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			if after := digest(t, f.world, f.contoso.ID); (after != before) != c.writes {
				t.Errorf("state changed: %v, want %v", after != before, c.writes)
			}
		})
	}
}

func TestGraphRoutes(t *testing.T) {
	runAPICases(t, true, []apiCase{
		{name: "list incidents", method: "GET", path: "/v1.0/security/incidents", status: 200, want: map[string]string{
			"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/incidents",
			"value.0.id":     "2972396", "value.0.displayName": "Password spray",
			"value.1.id": "2972395", "value.1.displayName": multi, "value.1.severity": "high", "value.1.status": "active",
			"value.1.classification": "unknown", "value.1.determination": "unknown", "value.1.redirectIncidentId": "null",
			"value.1.@odata.type": "#microsoft.graph.security.incident", "value.1.alerts": "<missing>"}},
		{name: "filter, expand alerts and top", method: "GET", path: "/v1.0/security/incidents?$filter=severity%20eq%20'high'%20and%20startswith(displayName,'Multi')&$expand=alerts&$top=1", status: 200, want: map[string]string{
			"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())",
			"value.0.id":     "2972395", "value.1": "<missing>", "value.0.alerts.0.title": "Anonymous IP address",
			"value.0.alerts.0.serviceSource": "azureAdIdentityProtection", "value.0.alerts.0.detectionSource": "azureAdIdentityProtection",
			"value.0.alerts.0.evidence.0.@odata.type":                   "#microsoft.graph.security.userEvidence",
			"value.0.alerts.0.evidence.0.userAccount.userPrincipalName": "alex.johnson@contoso.com",
			"value.0.alerts.0.evidence.1.ipAddress":                     "185.220.101.45", "value.0.alerts.0.mitreTechniques": `["T1078"]`,
			"value.0.alerts.0.incidentId": "2972395"}},
		{name: "top above 50", method: "GET", path: "/v1.0/security/incidents?$top=51", status: 400, want: map[string]string{
			"error.code": "BadRequest", "error.message": "Invalid page size specified: '51'. Must be between 1 and 50 inclusive."}},
		{name: "bad filter", method: "GET", path: "/v1.0/security/incidents?$filter=severity%20eq", status: 400, want: map[string]string{"error.code": "BadRequest"}},
		{name: "expand something else", method: "GET", path: "/v1.0/security/incidents?$expand=comments", status: 400, want: map[string]string{
			"error.message": "Could not find a property named 'comments' on type 'microsoft.graph.security.incident'."}},
		{name: "get one with select", method: "GET", path: "/beta/security/incidents/2972395?$select=id,status", status: 200, want: map[string]string{
			"@odata.context": "https://graph.microsoft.com/beta/$metadata#security/incidents/$entity", "id": "2972395", "status": "active", "severity": "<missing>"}},
		{name: "get unknown", method: "GET", path: "/v1.0/security/incidents/42", status: 404, want: map[string]string{
			"error.code": "NotFound", "error.message": "Incident with id '42' was not found."}},
		{name: "get another tenant's incident", method: "GET", path: "/v1.0/security/incidents/2972395", foreign: true, status: 404, want: map[string]string{"error.code": "NotFound"}},
		{name: "another tenant lists nothing", method: "GET", path: "/v1.0/security/incidents", foreign: true, status: 200, want: map[string]string{"value": "[]"}},
		{name: "patch resolves and classifies", method: "PATCH", path: "/v1.0/security/incidents/2972395",
			body:   `{"status":"resolved","classification":"truePositive","determination":"multiStagedAttack","assignedTo":"analyst@contoso.com","customTags":["xdr-lab"]}`,
			status: 200, writes: true, want: map[string]string{"status": "resolved", "classification": "truePositive", "determination": "multiStagedAttack",
				"assignedTo": "analyst@contoso.com", "customTags": `["xdr-lab"]`, "lastModifiedBy": "analyst@contoso.com"}},
		{name: "patch a bad status", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `{"status":"closed"}`, status: 400, want: map[string]string{
			"error.code": "BadRequest", "error.message": "The value 'closed' is not valid for 'status'. Valid values: active, resolved, inProgress, awaitingAction."}},
		{name: "patch a wrong pair", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `{"classification":"falsePositive","determination":"malware"}`, status: 400, want: map[string]string{
			"error.message": "The determination 'malware' is not valid for the classification 'falsePositive'."}},
		{name: "patch a read-only property", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `{"severity":"low"}`, status: 400, want: map[string]string{
			"error.message": "The property 'severity' of type 'microsoft.graph.security.incident' is read-only and cannot be updated."}},
		{name: "patch an unknown property", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `{"owner":"x"}`, status: 400, want: map[string]string{
			"error.message": "The property 'owner' does not exist on type 'microsoft.graph.security.incident'. Make sure to only use property names that are defined by the type."}},
		{name: "patch a wrong type", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `{"customTags":"x"}`, status: 400, want: map[string]string{
			"error.message": "Cannot convert the value of property 'customTags' to the type it has on 'microsoft.graph.security.incident'."}},
		{name: "patch not JSON", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `status=resolved`, status: 400, want: map[string]string{
			"error.message": "the request body is not a JSON object"}},
		{name: "patch another tenant's incident", method: "PATCH", path: "/v1.0/security/incidents/2972395", body: `{"status":"resolved"}`, foreign: true, status: 404},
		{name: "comment", method: "POST", path: "/v1.0/security/incidents/2972395/comments", body: `{"@odata.type":"microsoft.graph.security.alertComment","comment":"Contained."}`,
			status: 200, writes: true, want: map[string]string{"value.0.comment": "Contained.", "value.0.createdByDisplayName": "analyst@contoso.com",
				"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.security.alertComment)"}},
		{name: "comment without text", method: "POST", path: "/v1.0/security/incidents/2972395/comments", body: `{}`, status: 400, want: map[string]string{
			"error.message": "The property 'comment' is required."}},
		{name: "comment on an unknown incident", method: "POST", path: "/v1.0/security/incidents/7/comments", body: `{"comment":"x"}`, status: 404},
		{name: "list alerts", method: "GET", path: "/v1.0/security/alerts_v2?$filter=serviceSource%20eq%20'microsoftDefenderForCloud'", status: 200, want: map[string]string{
			"value.0.title": "Unusual amount of data extracted from a storage account", "value.0.detectionSource": "microsoftDefenderForStorage",
			"value.0.detectorId": "Storage.Blob_DataExfiltration.AmountOfDataAnomaly", "value.0.evidence.1.@odata.type": "#microsoft.graph.security.azureResourceEvidence",
			"value.1.detectorId": "ARM_AnomalousOperation.CredentialAccess", "value.2.detectorId": "KV_ListGetAnomaly", "value.3": "<missing>"}},
		{name: "get an unknown alert", method: "GET", path: "/v1.0/security/alerts_v2/nope", status: 404, want: map[string]string{"error.message": "Alert with id 'nope' was not found."}},
		{name: "another tenant lists no alerts", method: "GET", path: "/v1.0/security/alerts_v2", foreign: true, status: 200, want: map[string]string{"value": "[]"}},
		{name: "patch an unknown alert", method: "PATCH", path: "/v1.0/security/alerts_v2/nope", body: `{"status":"resolved"}`, status: 404},
		{name: "get an alert", method: "GET", path: "/v1.0/security/alerts_v2/{alert}", status: 200, want: map[string]string{
			"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#security/alerts_v2/$entity", "title": "Anonymous IP address",
			"detectorId": "anonymizedIPAddress", "category": "InitialAccess", "severity": "medium", "status": "new", "incidentId": "2972395",
			"firstActivityDateTime": "2025-01-15T08:32:40.0000000Z", "createdDateTime": "2025-01-15T08:34:10.0000000Z"}},
		{name: "get an alert as another tenant", method: "GET", path: "/v1.0/security/alerts_v2/{alert}", foreign: true, status: 404},
		{name: "patch an alert", method: "PATCH", path: "/v1.0/security/alerts_v2/{alert}", body: `{"status":"inProgress","assignedTo":"analyst@contoso.com","classification":"truePositive","determination":"compromisedUser"}`,
			status: 200, writes: true, want: map[string]string{"status": "inProgress", "assignedTo": "analyst@contoso.com", "classification": "truePositive", "determination": "compromisedAccount"}},
		{name: "patch an alert with a bad status", method: "PATCH", path: "/v1.0/security/alerts_v2/{alert}", body: `{"status":"done"}`, status: 400, want: map[string]string{
			"error.message": "The value 'done' is not valid for 'status'. Valid values: new, inProgress, resolved."}},
		{name: "patch an alert's read-only title", method: "PATCH", path: "/v1.0/security/alerts_v2/{alert}", body: `{"title":"x"}`, status: 400, want: map[string]string{
			"error.message": "The property 'title' of type 'microsoft.graph.security.alert' is read-only and cannot be updated."}},
		{name: "patch an alert as another tenant", method: "PATCH", path: "/v1.0/security/alerts_v2/{alert}", body: `{"status":"resolved"}`, foreign: true, status: 404},
		{name: "filter incidents on dates and null", method: "GET", path: "/v1.0/security/incidents?$filter=createdDateTime%20ge%202025-01-15T09:00:00Z%20and%20assignedTo%20eq%20null", status: 200, want: map[string]string{
			"value.0.id": "2972396", "value.1": "<missing>"}},
		{name: "filter alerts with a lambda over evidence", method: "GET", path: "/v1.0/security/alerts_v2?$filter=evidence/any(e:%20e/ipAddress%20eq%20'185.220.101.89')", status: 200, want: map[string]string{
			"value.0.title": "Password spray", "value.1": "<missing>"}},
	})
}

func TestDefenderAPIRoutes(t *testing.T) {
	runAPICases(t, false, []apiCase{
		{name: "list", method: "GET", path: "/api/incidents", status: 200, want: map[string]string{
			"@odata.context": "https://api.security.microsoft.com/api/$metadata#Incidents", "value.0.incidentId": "2972396",
			"value.1.incidentId": "2972395", "value.1.incidentName": multi, "value.1.status": "Active", "value.1.severity": "High",
			"value.1.classification": "Unknown", "value.1.determination": "NotAvailable", "value.1.alerts.0.serviceSource": "AzureAdIdentityProtection",
			"value.1.alerts.0.entities.0.entityType": "User", "value.1.alerts.0.entities.0.sha1": "null", "value.1.alerts.1.detectionSource": "MCAS"}},
		{name: "filter on status and top", method: "GET", path: "/api/incidents?$filter=status%20eq%20'Active'%20and%20createdTime%20gt%202025-01-15T09:00:00Z&$top=1", status: 200, want: map[string]string{
			"value.0.incidentId": "2972396", "value.1": "<missing>"}},
		{name: "skip", method: "GET", path: "/api/incidents?$skip=1", status: 200, want: map[string]string{"value.0.incidentId": "2972395"}},
		{name: "filter on an unsupported property", method: "GET", path: "/api/incidents?$filter=severity%20eq%20'High'", status: 400, want: map[string]string{
			"error.code": "ODataError", "error.message": "Filtering on the property 'severity' is not supported; supported properties: lastUpdateTime, createdTime, status, assignedTo."}},
		{name: "top above 100", method: "GET", path: "/api/incidents?$top=101", status: 400, want: map[string]string{"error.message": "The value of $top must be between 1 and 100."}},
		{name: "get", method: "GET", path: "/api/incidents/2972395", status: 200, want: map[string]string{"incidentId": "2972395", "redirectIncidentId": "null"}},
		{name: "get unknown", method: "GET", path: "/api/incidents/12", status: 404, want: map[string]string{"error.code": "ResourceNotFound", "error.message": "Incident 12 was not found."}},
		{name: "get another tenant's", method: "GET", path: "/api/incidents/2972395", foreign: true, status: 404},
		{name: "patch", method: "PATCH", path: "/api/incidents/2972395", body: `{"status":"Resolved","assignedTo":"analyst@contoso.com","classification":"TruePositive","determination":"MultiStagedAttack","tags":["lab"],"comment":"Resolved via API"}`,
			status: 200, writes: true, want: map[string]string{"status": "Resolved", "classification": "TruePositive", "determination": "MultiStagedAttack",
				"tags": `["lab"]`, "comments.0.comment": "Resolved via API", "comments.0.createdBy": "analyst@contoso.com"}},
		{name: "determination without classification", method: "PATCH", path: "/api/incidents/2972395", body: `{"determination":"Malware"}`, status: 400, want: map[string]string{
			"error.code": "InvalidInput", "error.message": "The determination can only be set together with a classification."}},
		{name: "wrong pair", method: "PATCH", path: "/api/incidents/2972395", body: `{"classification":"FalsePositive","determination":"Malware"}`, status: 400, want: map[string]string{
			"error.message": "The determination 'malware' is not valid for the classification 'falsePositive'."}},
		{name: "deprecated determination", method: "PATCH", path: "/api/incidents/2972395", body: `{"classification":"TruePositive","determination":"Apt"}`, status: 400, want: map[string]string{
			"error.message": "The determination 'Apt' is deprecated."}},
		{name: "redirected is not settable", method: "PATCH", path: "/api/incidents/2972395", body: `{"status":"Redirected"}`, status: 400, want: map[string]string{"error.code": "InvalidInput"}},
		{name: "unknown property", method: "PATCH", path: "/api/incidents/2972395", body: `{"severity":"Low"}`, status: 400, want: map[string]string{
			"error.code": "InvalidRequestBody", "error.message": "The property 'severity' cannot be updated; the body may contain status, assignedTo, classification, determination, tags and comment."}},
		{name: "empty body", method: "PATCH", path: "/api/incidents/2972395", body: `{}`, status: 400, want: map[string]string{"error.code": "MissingRequiredParameter"}},
		{name: "another tenant's", method: "PATCH", path: "/api/incidents/2972395", body: `{"status":"Resolved"}`, foreign: true, status: 404},
	})
}
