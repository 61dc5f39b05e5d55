package detect

import (
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// health is one run's SentinelHealth record.
type health struct {
	r               ruleRun
	win             window
	err             error
	results, alerts int
	entities        int
	suppressed      bool
}

func newHealth(r ruleRun, win window) *health { return &health{r: r, win: win} }

func (h *health) fail(err error) { h.err = err }

// row is the SentinelHealth row of the run (columns and values: the table reference and
// Sentinel's health-table-reference).
func (h *health) row() logs.Row {
	r := h.r.rule
	nrt := r.Kind == sentinel.KindNRT
	op, trigger := "Scheduled analytics rule run", "Scheduled"
	if nrt {
		op, trigger = "NRT analytics rule run", "NrtRun"
	}
	aggregation := "SingleAlert"
	if r.AlertPerResult() {
		aggregation = "AlertPerResult"
	}
	ext := map[string]any{
		"TriggerType":                             trigger,
		"RuleId":                                  r.Name,
		"QueryResultAmount":                       h.results,
		"AlertsGeneratedAmount":                   h.alerts,
		"AggregationKind":                         aggregation,
		"SuppressionEnabled":                      boolText(r.Suppression() > 0),
		"SuppressionDuration":                     strOr(r.Properties.SuppressionDuration, sentinel.DefaultSuppressionDuration),
		"QueryStartTimeUTC":                       h.win.from.UTC().Format(time.RFC3339),
		"QueryEndTimeUTC":                         h.win.to.UTC().Format(time.RFC3339),
		"CorrelationId":                           simulator.NewGUID(),
		"EntitiesGeneratedAmount":                 h.entities,
		"EntitiesDroppedDueToMappingIssuesAmount": 0,
		"Issues":                                  []any{},
	}
	if !nrt {
		ext["QueryFrequency"] = strOr(r.Properties.QueryFrequency, "")
		ext["QueryPeriod"] = strOr(r.Properties.QueryPeriod, "")
		ext["TriggerOperator"] = strOr(r.Properties.TriggerOperator, "")
		if r.Properties.TriggerThreshold != nil {
			ext["TriggerThreshold"] = int(*r.Properties.TriggerThreshold)
		}
	}
	status, reason, desc := "Success", "", ""
	switch {
	case h.err != nil:
		status, reason, desc = "Failure", failureReason(h.err), h.err.Error()
		ext["Issues"] = []any{map[string]any{"Code": "QueryFailed", "Description": h.err.Error()}}
	case h.suppressed:
		ext["Issues"] = []any{map[string]any{"Code": "AlertsSuppressed",
			"Description": "The rule was suppressed; no alerts were generated until " + h.r.st.SuppressedUntil.UTC().Format(time.RFC3339)}}
	}
	return logs.Row{
		Workspace: h.r.ws.logs.Info.CustomerID,
		Time:      h.r.at,
		Values: map[string]any{
			"TimeGenerated":        h.r.at,
			"OperationName":        op,
			"SentinelResourceId":   r.ID,
			"SentinelResourceName": strOr(r.Properties.DisplayName, r.Name),
			"SentinelResourceType": "Analytics rule",
			"SentinelResourceKind": r.Kind,
			"Status":               status,
			"Reason":               reason,
			"Description":          desc,
			"ExtendedProperties":   ext,
			"RecordId":             simulator.NewGUID(),
			"WorkspaceId":          h.r.ws.logs.Info.CustomerID,
			"SourceSystem":         "Azure",
			"_IsBillable":          "False",
			"_BilledSize":          float64(900),
			"Type":                 "SentinelHealth",
		},
	}
}

// boolText writes a flag as the service's .NET serializer does.
func boolText(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func strOr(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}
