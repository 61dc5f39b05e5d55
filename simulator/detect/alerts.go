package detect

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/kql/types"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// draft is an alert a run is about to raise.
type draft struct {
	name, description, severity string
	tactics, techniques         []string
	start, end                  time.Time
	entities                    []entity
	custom                      map[string][]any
	dynamic                     map[string]string
	rows                        int
}

// buildAlerts groups a firing run's rows into alerts: one (SingleAlert) or one per row
// (AlertPerResult, at most MaxAlertsScheduled/MaxAlertsNRT; the last summarises the rest).
func buildAlerts(r ruleRun, t *kql.Table, rows []int, win window) []draft {
	if !r.rule.AlertPerResult() || len(rows) == 0 {
		return []draft{newDraft(r, t, rows, win)}
	}
	limit := MaxAlertsScheduled
	if r.rule.Kind == sentinel.KindNRT {
		limit = MaxAlertsNRT
	}
	var out []draft
	for i, row := range rows {
		if i == limit-1 && len(rows) > limit {
			out = append(out, newDraft(r, t, rows[i:], win))
			break
		}
		out = append(out, newDraft(r, t, []int{row}, win))
	}
	return out
}

var placeholder = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)

// newDraft builds one alert over rows: details from the rule, overridden by
// alertDetailsOverride from the first row; entities and custom details from all rows.
func newDraft(r ruleRun, t *kql.Table, rows []int, win window) draft {
	p := r.rule.Properties
	d := draft{
		name: strOr(p.DisplayName, r.rule.Name), description: strOr(p.Description, ""), severity: strOr(p.Severity, "Medium"),
		tactics: p.Tactics, techniques: p.Techniques, rows: len(rows), dynamic: map[string]string{},
	}
	first := -1
	if len(rows) > 0 {
		first = rows[0]
	}
	fill := func(format string) string {
		return placeholder.ReplaceAllStringFunc(format, func(m string) string {
			if first < 0 {
				return ""
			}
			return cell(t, placeholder.FindStringSubmatch(m)[1], first)
		})
	}
	if o := p.AlertDetailsOverride; o != nil && first >= 0 {
		if f := strOr(o.AlertDisplayNameFormat, ""); f != "" {
			if s := fill(f); strings.TrimSpace(s) != "" {
				d.name = s
			}
		}
		if f := strOr(o.AlertDescriptionFormat, ""); f != "" {
			d.description = fill(f)
		}
		if c := strOr(o.AlertSeverityColumnName, ""); c != "" {
			for _, s := range []string{"High", "Medium", "Low", "Informational"} {
				if strings.EqualFold(cell(t, c, first), s) {
					d.severity = s
				}
			}
		}
		if c := strOr(o.AlertTacticsColumnName, ""); c != "" {
			if ts := splitList(cell(t, c, first)); len(ts) > 0 {
				d.tactics = ts
			}
		}
		for _, m := range o.AlertDynamicProperties {
			if m.AlertProperty != nil && m.Value != nil {
				d.dynamic[*m.AlertProperty] = cell(t, *m.Value, first)
			}
		}
	}
	if ts := splitList(d.dynamic["Techniques"]); len(ts) > 0 {
		d.techniques = ts
	}
	d.start, d.end = activity(t, rows, win)
	d.entities = extractEntities(*r.rule, t, rows)
	if len(p.CustomDetails) > 0 {
		d.custom = map[string][]any{}
		for key, col := range p.CustomDetails {
			c := t.ColumnIndex(col)
			vals := []any{}
			seen := map[string]bool{}
			for _, i := range rows {
				if c < 0 || len(vals) >= 10 {
					break
				}
				v := t.Vecs[c].Get(i)
				if k := types.FormatText(v); !v.IsNull() && !seen[k] {
					seen[k] = true
					vals = append(vals, types.ToJSON(v))
				}
			}
			d.custom[key] = vals
		}
	}
	return d
}

// activity is the span of the rows' TimeGenerated (else the first datetime column; else the
// query window).
func activity(t *kql.Table, rows []int, win window) (time.Time, time.Time) {
	c := t.ColumnIndex("TimeGenerated")
	if c < 0 || t.Cols[c].Type != types.DateTime {
		c = -1
		for i, col := range t.Cols {
			if col.Type == types.DateTime {
				c = i
				break
			}
		}
	}
	var lo, hi int64
	found := false
	for _, i := range rows {
		if c < 0 {
			break
		}
		v := t.Vecs[c].Get(i)
		if v.IsNull() {
			continue
		}
		if !found || v.I < lo {
			lo = v.I
		}
		if !found || v.I > hi {
			hi = v.I
		}
		found = true
	}
	if !found {
		return win.from, win.to
	}
	return types.TicksToTime(lo), types.TicksToTime(hi)
}

// splitList reads a comma-separated or JSON-array list.
func splitList(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var arr []string
	if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &arr) == nil {
		return arr
	}
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func countEntities(ds []draft) int {
	n := 0
	for _, d := range ds {
		n += len(d.entities)
	}
	return n
}

// providerOf names the alert's provider and component as Sentinel does per rule kind.
func providerOf(kind string) (provider, component string) {
	if kind == sentinel.KindNRT {
		return "ASI NRT Alerts", "NRT Alerts"
	}
	return "ASI Scheduled Alerts", "Scheduled Alerts"
}

// newAlert is the store's alert for a draft.
func newAlert(r ruleRun, d draft, ext map[string]string) sentinel.NewAlert {
	_, component := providerOf(r.rule.Kind)
	a := sentinel.NewAlert{
		RuleID: r.rule.ID, DisplayName: d.name, Description: d.description, Severity: d.severity,
		AlertType: r.ws.logs.Info.CustomerID + "_" + r.rule.Name, ProductName: orStr(d.dynamic["ProductName"], "Azure Sentinel"),
		Component: orStr(d.dynamic["ProductComponentName"], component), VendorName: "Microsoft",
		Tactics: d.tactics, Techniques: d.techniques, StartTime: d.start, EndTime: d.end, ExtendedProperties: ext,
	}
	for _, e := range d.entities {
		a.Entities = append(a.Entities, sentinel.NewEntity{Kind: e.kind, Properties: e.props})
		if a.CompromisedEntity == "" && e.mapType == "Account" {
			a.CompromisedEntity = accountText(e)
		}
	}
	return a
}

func accountText(e entity) string {
	n, _ := e.props["accountName"].(string)
	if s, _ := e.props["upnSuffix"].(string); s != "" {
		return n + "@" + s
	}
	return n
}

// extendedProperties are the alert's ExtendedProperties as Sentinel writes them for analytics
// rules (string values).
func extendedProperties(r ruleRun, d draft, total int) map[string]string {
	p := r.rule.Properties
	ids, _ := json.Marshal([]string{r.rule.Name})
	ext := map[string]string{
		"Query":                              strOr(p.Query, ""),
		"Analytic Rule Ids":                  string(ids),
		"Analytic Rule Name":                 strOr(p.DisplayName, r.rule.Name),
		"Event Grouping":                     map[bool]string{true: "AlertPerResult", false: "SingleAlert"}[r.rule.AlertPerResult()],
		"Search Query Results Overall Count": strconv.Itoa(total),
		"Data Sources":                       "[]",
		"ProcessedBySentinel":                "True",
		"Alert generation status":            "Full alert created",
	}
	if r.rule.Kind == sentinel.KindScheduled {
		ext["Query Period"] = timespanText(r.rule.Period())
		ext["Query Start Time UTC"] = windowOf(r, nil).from.UTC().Format("2006-01-02 15:04:05Z")
		ext["Query End Time UTC"] = windowOf(r, nil).to.UTC().Format("2006-01-02 15:04:05Z")
		ext["Trigger Operator"] = strOr(p.TriggerOperator, "")
		if p.TriggerThreshold != nil {
			ext["Trigger Threshold"] = strconv.Itoa(int(*p.TriggerThreshold))
		}
	}
	if d.custom != nil {
		b, _ := json.Marshal(d.custom)
		ext["Custom Details"] = string(b)
	}
	return ext
}

// timespanText writes a duration as .NET's TimeSpan ("01:00:00", "1.00:00:00").
func timespanText(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	s := time.Time{}.Add(d).Format("15:04:05")
	if days > 0 {
		return strconv.Itoa(days) + "." + s
	}
	return s
}

// alertRow is the SecurityAlert row of a stored alert.
func alertRow(r ruleRun, d draft, alert sentinel.Entity, ext map[string]string) logs.Row {
	provider, _ := providerOf(r.rule.Kind)
	ents := make([]map[string]any, 0, len(d.entities))
	for i, e := range d.entities {
		m := map[string]any{"$id": strconv.Itoa(i + 2)}
		for k, v := range e.json {
			m[k] = v
		}
		ents = append(ents, m)
	}
	entJSON, _ := json.Marshal(ents)
	extJSON, _ := json.Marshal(ext)
	techJSON, _ := json.Marshal(nonNilList(d.techniques))
	info := r.ws.logs.Info
	na := newAlert(r, d, ext)
	return logs.Row{Workspace: info.CustomerID, Time: r.at, Values: map[string]any{
		"TimeGenerated": r.at, "DisplayName": d.name, "AlertName": d.name, "AlertSeverity": d.severity,
		"Description": d.description, "ProviderName": provider, "VendorName": "Microsoft", "VendorOriginalId": alert.Name,
		"SystemAlertId": alert.Name, "ResourceId": "", "SourceComputerId": "", "AlertType": na.AlertType,
		"ConfidenceLevel": "", "ConfidenceScore": nil, "IsIncident": false, "StartTime": d.start, "EndTime": d.end,
		"ProcessingEndTime": r.at, "RemediationSteps": "", "ExtendedProperties": string(extJSON), "Entities": string(entJSON),
		"SourceSystem": "Detection", "WorkspaceSubscriptionId": subscriptionOf(r.ws.id), "WorkspaceResourceGroup": info.Group,
		"ExtendedLinks": "", "ProductName": na.ProductName, "ProductComponentName": na.Component, "AlertLink": "",
		"Status": "New", "CompromisedEntity": na.CompromisedEntity, "Tactics": strings.Join(d.tactics, ", "),
		"Techniques": string(techJSON), "SubTechniques": "", "Type": "SecurityAlert", "_IsBillable": "False",
	}}
}

func nonNilList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func subscriptionOf(id string) string {
	parts := strings.Split(id, "/")
	if len(parts) > 2 {
		return parts[2]
	}
	return ""
}
