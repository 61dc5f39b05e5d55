// Package armtest is the harness the engines' tests share (simulator/detect, xdr, automation):
// a World with the default tenant, its log routing over small telemetry (60 users, 3 days, seed
// 1) and the ARM API with the given resource types behind a token check that takes "Bearer
// <tenant id>" as that tenant's service principal. Test code only.
package armtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soclab/soclab/mockapis/arm"
	"github.com/soclab/soclab/mockapis/auth"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// The lab's workspace and the api-version the az sentinel extension sends.
const (
	Group      = "rg-contoso-unified-soc"
	Workspace  = "law-contoso-unified"
	PreviewAPI = "2022-06-01-preview"
)

// Verifier accepts "Bearer <tenant id>" as that tenant's service principal.
type Verifier struct{ World *simulator.World }

// Verify implements auth.Verifier.
func (v Verifier) Verify(r *http.Request, _ ...string) (auth.Principal, error) {
	t, err := v.World.TenantByID(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
	if err != nil {
		return auth.Principal{}, auth.ErrInvalidToken
	}
	return auth.Principal{TenantID: t.ID, ObjectID: t.ServicePrincipal.ObjectID, AppID: t.ServicePrincipal.AppID, IsServicePrincipal: true}, nil
}

// Lab is a world, its log routing and an ARM server for one test.
type Lab struct {
	World  *simulator.World
	Logs   *logs.Engine
	Tenant simulator.Tenant // the default tenant
	ARM    *httptest.Server
}

// New opens the lab of the built-in scenario in a temporary folder; everything is closed when
// the test ends. The real clock is fixed (tokens and systemData need one); tenant clocks start
// at the scenario's start. (Loading the scenario takes ~9 ms: no cache is needed.)
func New(t testing.TB, types ...arm.ResourceType) *Lab {
	t.Helper()
	s, err := scenario.LoadBuiltin("alex-johnson")
	if err != nil {
		t.Fatal(err)
	}
	real := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	w, err := simulator.Open(t.TempDir(), simulator.Options{Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	le, err := logs.New(w, s, logs.Options{Seed: 1, Users: 60, Days: 3})
	if err != nil {
		t.Fatal(err)
	}
	ten, err := w.TenantByName(simulator.DefaultTenantName)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(arm.NewHandler(w, Verifier{w}, types...))
	t.Cleanup(srv.Close)
	return &Lab{World: w, Logs: le, Tenant: ten, ARM: srv}
}

// WorkspaceRows runs a query over the tenant's workspace at its clock and returns the rows as
// text, cells joined by " | ".
func WorkspaceRows(t testing.TB, le *logs.Engine, tenantID, workspaceID, src string) []string {
	t.Helper()
	ws, err := le.Workspace(tenantID, workspaceID)
	if err != nil {
		t.Fatal(err)
	}
	now, _ := ws.Now()
	db, err := ws.Database(now)
	if err != nil {
		t.Fatal(err)
	}
	q, err := kql.Compile(src, le.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	res, err := q.Run(context.Background(), db, kql.RunOptions{Now: now})
	if err != nil {
		t.Fatalf("run %q: %v", src, err)
	}
	out := []string{}
	for _, r := range res.Rows(true) {
		cells := make([]string, len(r))
		for i, v := range r {
			cells[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(cells, " | "))
	}
	return out
}

// WorkspaceID is the ARM id of the lab workspace of tenant t.
func WorkspaceID(t simulator.Tenant) string {
	return simulator.ResourceID(t.Subscription.ID, Group, simulator.WorkspaceType, Workspace)
}

// Send sends a request as tenant's service principal to base+path; it returns status and body.
func Send(t testing.TB, base, tenantID, method, path, body string) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tenantID)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// Call is Send that fails the test unless the answer is 2xx; it returns the body.
func Call(t testing.TB, base, tenantID, method, path, body string) string {
	t.Helper()
	st, data := Send(t, base, tenantID, method, path, body)
	if st/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, st, data)
	}
	return data
}
