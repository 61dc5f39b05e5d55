package sentinel

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/soclab/soclab/simulator"
)

// SecurityIncidentValues is the SecurityIncident row of an incident's current state, written
// at time at by modifiedBy (the table keeps one row per update; ModifiedBy names who made it).
// Columns as the Log Analytics table reference lists them; Comments and Tasks are the
// incident's comments and tasks as the API answers their properties.
func SecurityIncidentValues(tx *simulator.TenantTx, incidentID string, at time.Time, modifiedBy string) (map[string]any, error) {
	inc, ok, err := IncidentByID(tx, incidentID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("security incident row: no incident %s", incidentID)
	}
	alerts, err := IncidentAlerts(tx, incidentID)
	if err != nil {
		return nil, err
	}
	ids := []any{}
	for _, a := range alerts {
		ids = append(ids, a.Name)
	}
	comments, err := decodeAll[Comment](tx, incidentID+"/comments", resComments)
	if err != nil {
		return nil, err
	}
	cs := []any{}
	for _, c := range comments {
		cs = append(cs, jsonTree(c.Properties))
	}
	tasks, err := Tasks(tx, incidentID)
	if err != nil {
		return nil, err
	}
	ts := []any{}
	for _, t := range tasks {
		ts = append(ts, jsonTree(t.Properties))
	}
	p := inc.Properties
	rules := []any{}
	for _, id := range p.RelatedAnalyticRuleIDs {
		rules = append(rules, id)
	}
	v := map[string]any{
		"TimeGenerated": at.UTC(), "IncidentName": inc.Name, "IncidentNumber": int64(p.IncidentNumber), "Title": deref(p.Title),
		"Description": deref(p.Description), "Severity": deref(p.Severity), "Status": deref(p.Status),
		"Classification": deref(p.Classification), "ClassificationReason": deref(p.ClassificationReason),
		"ClassificationComment": deref(p.ClassificationComment), "Owner": jsonTree(p.Owner), "Labels": jsonTree(p.Labels),
		"CreatedTime": parseTimestamp(p.CreatedTimeUtc), "FirstModifiedTime": parseTimestamp(p.CreatedTimeUtc),
		"LastModifiedTime": parseTimestamp(p.LastModifiedTimeUtc), "IncidentUrl": p.IncidentURL, "ProviderName": p.ProviderName,
		"ProviderIncidentId": p.ProviderIncidentID, "RelatedAnalyticRuleIds": rules, "AlertIds": ids, "BookmarkIds": []any{},
		"Comments": cs, "Tasks": ts, "AdditionalData": jsonTree(p.AdditionalData), "ModifiedBy": modifiedBy,
		"SourceSystem": "Azure", "Type": "SecurityIncident", "_IsBillable": "False",
	}
	if p.FirstActivityTimeUtc != nil {
		v["FirstActivityTime"] = parseTimestamp(*p.FirstActivityTimeUtc)
	}
	if p.LastActivityTimeUtc != nil {
		v["LastActivityTime"] = parseTimestamp(*p.LastActivityTimeUtc)
	}
	if deref(p.Status) == "Closed" {
		v["ClosedTime"] = parseTimestamp(p.LastModifiedTimeUtc)
	}
	return v, nil
}

// jsonTree turns a value into its JSON tree (dynamic columns).
func jsonTree(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

func parseTimestamp(s string) any {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return t
}
