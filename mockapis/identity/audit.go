package identity

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/soclab/soclab/mockapis/graph"
	dir "github.com/soclab/soclab/simulator/identity"
)

func (a *api) auditRoutes(add adder) {
	add(http.MethodGet, "/auditLogs/signIns", a.listSignIns)
	add(http.MethodGet, "/auditLogs/signIns/{id}", a.getSignIn)
	add(http.MethodGet, "/auditLogs/directoryAudits", a.listAudits)
	add(http.MethodGet, "/auditLogs/directoryAudits/{id}", a.getAudit)
}

// Entra's logs as ingested by the tenant clock, newest first (Graph's order).
const (
	signInsOrder = "CreatedDateTime desc, Id asc"
	auditsOrder  = "ActivityDateTime desc, Id asc"
)

// signIns converts the sign-ins a KQL query over Entra's logs returns.
func (a *api) signIns(r *graph.Request, query string) ([]map[string]any, error) {
	rows, _, err := a.svc.Logs(r.Context(), r.Principal.TenantID, query)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		out[i] = signIn(row)
	}
	return out, nil
}

func (a *api) listSignIns(r *graph.Request) (graph.Response, error) {
	q, err := parseQuery(r)
	if err != nil {
		return graph.Response{}, err
	}
	items, err := a.signIns(r, logQuery("SigninLogs", signInsOrder, signInPushdown, q))
	if err != nil {
		return graph.Response{}, err
	}
	return collection(r, "auditLogs/signIns", items, nil)
}

func (a *api) getSignIn(r *graph.Request) (graph.Response, error) {
	items, err := a.signIns(r, "SigninLogs | where Id =~ "+strconv.Quote(r.Vars["id"]))
	if err != nil {
		return graph.Response{}, err
	}
	for _, s := range items {
		if strings.EqualFold(stringOf(s["id"]), r.Vars["id"]) {
			return entity(r, "auditLogs/signIns", s, nil)
		}
	}
	return graph.Response{}, graph.Errorf(http.StatusNotFound, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", r.Vars["id"])
}

// audits converts the audit records a KQL query over Entra's logs returns.
func (a *api) audits(r *graph.Request, query string) ([]map[string]any, error) {
	rows, _, err := a.svc.Logs(r.Context(), r.Principal.TenantID, query)
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(rows))
	for i, row := range rows {
		out[i] = dir.DirectoryAudit(row)
	}
	return out, nil
}

func (a *api) listAudits(r *graph.Request) (graph.Response, error) {
	q, err := parseQuery(r)
	if err != nil {
		return graph.Response{}, err
	}
	items, err := a.audits(r, logQuery("AuditLogs", auditsOrder, auditPushdown, q))
	if err != nil {
		return graph.Response{}, err
	}
	return collection(r, "auditLogs/directoryAudits", items, nil)
}

func (a *api) getAudit(r *graph.Request) (graph.Response, error) {
	items, err := a.audits(r, "AuditLogs | where Id == "+strconv.Quote(r.Vars["id"]))
	if err != nil {
		return graph.Response{}, err
	}
	for _, s := range items {
		if stringOf(s["id"]) == r.Vars["id"] {
			return entity(r, "auditLogs/directoryAudits", s, nil)
		}
	}
	return graph.Response{}, graph.Errorf(http.StatusNotFound, "Request_ResourceNotFound", "Resource '%s' does not exist or one of its queried reference-property objects are not present.", r.Vars["id"])
}

// signIn is a SigninLogs row as Graph's signIn resource (the same object Entra exports).
func signIn(row map[string]any) map[string]any {
	status, _ := row["Status"].(map[string]any)
	st := map[string]any{"errorCode": int64(0), "failureReason": nil, "additionalDetails": nil}
	for k, v := range status {
		st[k] = v
	}
	if code, err := strconv.Atoi(stringOf(row["ResultType"])); err == nil {
		st["errorCode"] = code
	}
	if st["failureReason"] == nil {
		st["failureReason"] = "Other."
		if st["errorCode"] == 0 {
			st["failureReason"] = nil
		}
	}
	loc, _ := row["LocationDetails"].(map[string]any)
	return map[string]any{
		"id": row["Id"], "createdDateTime": row["CreatedDateTime"], "userDisplayName": row["UserDisplayName"],
		"userPrincipalName": row["UserPrincipalName"], "userId": row["UserId"], "appId": row["AppId"], "appDisplayName": row["AppDisplayName"],
		"ipAddress": row["IPAddress"], "clientAppUsed": row["ClientAppUsed"], "correlationId": row["CorrelationId"],
		"conditionalAccessStatus": row["ConditionalAccessStatus"], "isInteractive": row["IsInteractive"], "riskDetail": row["RiskDetail"],
		"riskLevelAggregated": row["RiskLevelAggregated"], "riskLevelDuringSignIn": row["RiskLevelDuringSignIn"], "riskState": row["RiskState"],
		"riskEventTypes": jsonList(row["RiskEventTypes"]), "riskEventTypes_v2": jsonList(row["RiskEventTypes_V2"]),
		"resourceDisplayName": row["ResourceDisplayName"], "resourceId": row["ResourceIdentity"], "status": st,
		"deviceDetail": orEmpty(row["DeviceDetail"]), "location": locationOf(loc),
		"appliedConditionalAccessPolicies": orList(row["ConditionalAccessPolicies"]),
	}
}

func jsonList(v any) []any {
	switch x := v.(type) {
	case []any:
		return x
	case string:
		var out []any
		if json.Unmarshal([]byte(x), &out) == nil && out != nil {
			return out
		}
	}
	return []any{}
}

func orList(v any) any {
	if l := jsonList(v); len(l) > 0 {
		return l
	}
	return []any{}
}

func orEmpty(v any) any {
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{}
}

func locationOf(loc map[string]any) map[string]any {
	if loc == nil {
		return map[string]any{"city": nil, "state": nil, "countryOrRegion": nil, "geoCoordinates": nil}
	}
	return map[string]any{"city": loc["city"], "state": loc["state"], "countryOrRegion": loc["countryOrRegion"], "geoCoordinates": loc["geoCoordinates"]}
}
