package logs

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
)

// activityStatusValues maps the activity log's status to AzureActivity's ActivityStatusValue.
var activityStatusValues = map[string]string{"Started": "Start", "Accepted": "Accept", "Succeeded": "Success", "Failed": "Failure"}

// activityRows turns the tenant's action log (what learners did through ARM) into AzureActivity
// rows of the azure-activity source.
func activityRows(st *tenantState, cols []kql.Column) (*rowSet, error) {
	rows := make([][]any, 0, len(st.activities))
	rs := &rowSet{}
	for _, a := range st.activities {
		rows = append(rows, activityRow(st, a, cols))
		rs.times = append(rs.times, a.Time)
		rs.source = append(rs.source, generate.SourceAzureActivity)
		rs.attack = append(rs.attack, false)
	}
	t, err := kql.NewTable("AzureActivity", cols, rows)
	if err != nil {
		return nil, err
	}
	rs.t = t
	return rs, nil
}

func activityRow(st *tenantState, a simulator.Activity, cols []kql.Column) []any {
	friendly := a.OperationName
	action := a.OperationName
	if op, ok := scenario.ARMOperations[a.OperationName]; ok {
		friendly, action = op.Name, op.Action
	}
	provider := a.ResourceProvider
	if i := strings.Index(action, "/"); i > 0 && strings.EqualFold(action[:i], provider) {
		provider = action[:i]
	}
	hier := st.tenant.ID + "/" + a.SubscriptionID
	props := map[string]any{"eventCategory": a.Category, "entity": a.ResourceID, "message": action, "hierarchy": hier}
	for k, v := range a.Properties {
		props[k] = v
	}
	authz := map[string]any{"action": action, "scope": a.ResourceID}
	claims := map[string]any{"aud": "https://management.core.windows.net/", "iss": "https://sts.windows.net/" + st.tenant.ID + "/",
		"ipaddr": a.CallerIPAddress, "http://schemas.microsoft.com/identity/claims/tenantid": st.tenant.ID}
	if strings.Contains(a.Caller, "@") {
		claims["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"] = a.Caller
	} else {
		claims["appid"] = a.Caller
	}
	httpReq := map[string]any{"clientRequestId": a.EventDataID, "clientIpAddress": a.CallerIPAddress, "method": a.HTTPMethod}
	v := map[string]any{
		"ActivityStatus": a.Status, "ActivityStatusValue": activityStatusValues[a.Status],
		"ActivitySubstatus": "", "ActivitySubstatusValue": a.SubStatus,
		"Authorization": jsonText(authz), "Authorization_d": authz, "_BilledSize": float64(1800 + 3*len(a.ResourceID)),
		"Caller": a.Caller, "CallerIpAddress": a.CallerIPAddress, "Category": a.Category, "CategoryValue": a.Category,
		"Claims": jsonText(claims), "Claims_d": claims, "CorrelationId": a.CorrelationID, "EventDataId": a.EventDataID,
		"EventSubmissionTimestamp": a.Time.Add(12 * time.Second), "Hierarchy": hier, "HTTPRequest": jsonText(httpReq),
		"_IsBillable": "True", "Level": a.Level, "OperationId": a.CorrelationID, "OperationName": friendly,
		"OperationNameValue": a.OperationName, "Properties": jsonText(props), "Properties_d": props,
		"Resource": lastSegment(a.ResourceID), "ResourceGroup": a.ResourceGroup, "ResourceId": strings.ToUpper(a.ResourceID),
		"_ResourceId": strings.ToLower(a.ResourceID), "ResourceProvider": provider, "ResourceProviderValue": strings.ToUpper(provider),
		"SourceSystem": "Azure", "SubscriptionId": a.SubscriptionID, "_SubscriptionId": a.SubscriptionID,
		"TenantId": st.tenant.ID, "TimeGenerated": a.Time, "Type": "AzureActivity",
	}
	return rowOf(cols, v)
}

// rowOf orders named values as cols; strings default to "" (Kusto strings are never null).
func rowOf(cols []kql.Column, v map[string]any) []any {
	row := make([]any, len(cols))
	for i, c := range cols {
		x, ok := v[c.Name]
		if !ok {
			x, ok = v[columnAliases[c.Name]]
		}
		if !ok && c.Type.String() == "string" {
			x = ""
		}
		row[i] = x
	}
	return row
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // maps of plain values always encode
	return string(b)
}

func lastSegment(id string) string {
	return id[strings.LastIndex(id, "/")+1:]
}
