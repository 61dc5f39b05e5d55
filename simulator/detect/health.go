package detect

import (
	"fmt"
	"hash/fnv"
	"time"

	"github.com/soclab/soclab/simulator/sentinel"
)

// ruleInfo is what a SentinelHealth row says about its rule (kept once per batch of runs).
type ruleInfo struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Display     string `json:"display"`
	Kind        string `json:"kind"`
	Workspace   string `json:"ws"` // customerId
	Frequency   string `json:"freq,omitempty"`
	Period      string `json:"period,omitempty"`
	Operator    string `json:"op,omitempty"`
	Threshold   *int   `json:"threshold,omitempty"`
	Suppression string `json:"supp"`
	Suppressed  bool   `json:"suppOn"`
	Aggregation string `json:"agg"`
}

func infoOf(r ruleRun) ruleInfo {
	rule := r.rule
	info := ruleInfo{ID: rule.ID, Name: rule.Name, Display: strOr(rule.Properties.DisplayName, rule.Name), Kind: rule.Kind,
		Workspace: r.ws.logs.Info.CustomerID, Suppression: strOr(rule.Properties.SuppressionDuration, sentinel.DefaultSuppressionDuration),
		Suppressed: rule.Suppression() > 0, Aggregation: "SingleAlert"}
	if rule.AlertPerResult() {
		info.Aggregation = "AlertPerResult"
	}
	if rule.Kind != sentinel.KindNRT {
		info.Frequency, info.Period = strOr(rule.Properties.QueryFrequency, ""), strOr(rule.Properties.QueryPeriod, "")
		info.Operator = strOr(rule.Properties.TriggerOperator, "")
		if t := rule.Properties.TriggerThreshold; t != nil {
			n := int(*t)
			info.Threshold = &n
		}
	}
	return info
}

// healthRec is one run's SentinelHealth record, compact (a tenant-day of 53 rules is 63k).
type healthRec struct {
	At       time.Time `json:"t"`
	Rule     int       `json:"r"` // index into the batch's rules
	From     time.Time `json:"f"`
	To       time.Time `json:"e"`
	Results  int       `json:"n,omitempty"`
	Alerts   int       `json:"a,omitempty"`
	Entities int       `json:"en,omitempty"`
	Reason   string    `json:"x,omitempty"` // failure reason
	Error    string    `json:"y,omitempty"` // failure description
	// SuppressedUntil is set when suppression held back this run's alerts.
	SuppressedUntil time.Time `json:"s,omitzero"`
}

// health is one run's record while it runs.
type health struct {
	r   ruleRun
	rec healthRec
}

func newHealth(r ruleRun, win window) *health {
	return &health{r: r, rec: healthRec{At: r.at, From: win.from, To: win.to}}
}

func (h *health) fail(err error) { h.rec.Reason, h.rec.Error = failureReason(err), err.Error() }

// healthValues are the SentinelHealth columns of a record (the table reference and Sentinel's
// health-table-reference: operation names, resource type and kind, ExtendedProperties).
func healthValues(info *ruleInfo, rec healthRec) map[string]any {
	nrt := info.Kind == sentinel.KindNRT
	op, trigger := "Scheduled analytics rule run", "Scheduled"
	if nrt {
		op, trigger = "NRT analytics rule run", "NrtRun"
	}
	ext := map[string]any{
		"TriggerType": trigger, "RuleId": info.Name, "QueryResultAmount": int64(rec.Results),
		"AlertsGeneratedAmount": int64(rec.Alerts), "AggregationKind": info.Aggregation,
		"SuppressionEnabled": boolText(info.Suppressed), "SuppressionDuration": info.Suppression,
		"QueryStartTimeUTC": rec.From.UTC().Format(time.RFC3339), "QueryEndTimeUTC": rec.To.UTC().Format(time.RFC3339),
		"CorrelationId": idOf("correlation", info.ID, rec.At), "EntitiesGeneratedAmount": int64(rec.Entities),
		"EntitiesDroppedDueToMappingIssuesAmount": int64(0), "Issues": []any{},
	}
	if !nrt {
		ext["QueryFrequency"], ext["QueryPeriod"], ext["TriggerOperator"] = info.Frequency, info.Period, info.Operator
		if info.Threshold != nil {
			ext["TriggerThreshold"] = int64(*info.Threshold)
		}
	}
	status := "Success"
	switch {
	case rec.Reason == ReasonDisabled:
		status = "Failure"
		ext["Issues"] = []any{map[string]any{"Code": "RuleAutoDisabled", "Description": rec.Error}}
	case rec.Reason != "":
		status = "Failure"
		ext["Issues"] = []any{map[string]any{"Code": "QueryFailed", "Description": rec.Error}}
	case !rec.SuppressedUntil.IsZero():
		ext["Issues"] = []any{map[string]any{"Code": "AlertsSuppressed",
			"Description": "The rule is suppressed until " + rec.SuppressedUntil.UTC().Format(time.RFC3339) + "; no alerts were generated."}}
	}
	return map[string]any{
		"TimeGenerated": rec.At, "OperationName": op, "SentinelResourceId": info.ID, "SentinelResourceName": info.Display,
		"SentinelResourceType": "Analytics rule", "SentinelResourceKind": info.Kind, "Status": status, "Reason": rec.Reason,
		"Description": rec.Error, "ExtendedProperties": ext, "RecordId": idOf("record", info.ID, rec.At),
		"WorkspaceId": info.Workspace, "SourceSystem": "Azure", "_IsBillable": "False", "_BilledSize": float64(900),
		"Type": "SentinelHealth",
	}
}

// idOf is a stable GUID-shaped id for a run (the same row keeps its ids across view rebuilds).
func idOf(kind, rule string, at time.Time) string {
	h1, h2 := fnv.New64a(), fnv.New64()
	for _, h := range []interface{ Write([]byte) (int, error) }{h1, h2} {
		h.Write([]byte(kind + "\x00" + rule + "\x00" + at.UTC().Format(time.RFC3339Nano)))
	}
	a, b := h1.Sum64(), h2.Sum64()
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", uint32(a>>32), uint16(a>>16), uint16(a)&0xfff, uint16(b>>48)&0xfff, b&0xffffffffffff)
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
