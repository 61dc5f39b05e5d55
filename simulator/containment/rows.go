package containment

import (
	"fmt"
	"math"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// caStatuses are the values ConditionalAccessStatus takes.
var caStatuses = map[string]bool{"": true, "success": true, "failure": true, "notApplied": true}

// outcomeOf turns a verdict into the generator's outcome, refusing what Entra never logs.
func outcomeOf(v Verdict) (generate.Outcome, error) {
	if v.ErrorCode < 0 {
		return generate.Outcome{}, fmt.Errorf("verdict has a negative error code %d", v.ErrorCode)
	}
	if v.ErrorCode > math.MaxInt32 { // AADSTS codes have at most 7 digits; ErrorCode columns are int
		return generate.Outcome{}, fmt.Errorf("verdict error code %d is out of range", v.ErrorCode)
	}
	if !caStatuses[v.ConditionalAccessStatus] {
		return generate.Outcome{}, fmt.Errorf("verdict has an unknown conditional access status %q", v.ConditionalAccessStatus)
	}
	_, known := scenario.SignInErrors[v.ErrorCode]
	switch {
	case v.ErrorCode == 0 && v.FailureReason != "":
		return generate.Outcome{}, fmt.Errorf("verdict signs in (error code 0) with a failure reason %q", v.FailureReason)
	case v.ErrorCode != 0 && v.FailureReason == "" && !known:
		return generate.Outcome{}, fmt.Errorf("verdict error code %d has no failure reason (and the catalog has none)", v.ErrorCode)
	}
	for _, p := range v.AppliedPolicies {
		if p.ID == "" || p.Result == "" {
			return generate.Outcome{}, fmt.Errorf("verdict lists a Conditional Access policy without an id or result: %+v", p)
		}
	}
	o := generate.Outcome{Result: v.ErrorCode, FailureReason: v.FailureReason, CAStatus: v.ConditionalAccessStatus}
	if o.CAStatus == "" {
		o.CAStatus = defaultCAStatus(v.ErrorCode)
	}
	if v.AppliedPolicies != nil {
		o.Policies = []any{}
		for _, p := range v.AppliedPolicies {
			grants := []any{}
			for _, g := range p.EnforcedGrantControls {
				grants = append(grants, g)
			}
			o.Policies = append(o.Policies, map[string]any{"id": p.ID, "displayName": p.DisplayName,
				"enforcedGrantControls": grants, "enforcedSessionControls": []any{}, "result": p.Result})
		}
	}
	return o, nil
}

// defaultCAStatus is Entra's status when the verdict does not say: policies are evaluated after
// the first factor, so a failed credential or a disabled account leaves them notApplied.
func defaultCAStatus(code int) string {
	switch code {
	case 0:
		return "success"
	case 53003:
		return "failure"
	}
	return "notApplied"
}

// appendTelemetry writes every row of tel through the log engine in the caller's transaction;
// rows go to the Defender side and reach workspaces by their source, like generated ones.
func appendTelemetry(tx *simulator.TenantTx, le *logs.Engine, tel *generate.Telemetry) error {
	for _, tb := range tel.All() {
		if len(tb.Rows) == 0 {
			continue
		}
		rows := make([]logs.Row, len(tb.Rows))
		for i, r := range tb.Rows {
			vals := make(map[string]any, len(tb.Columns))
			for j, c := range tb.Columns {
				vals[c.Name] = r[j]
			}
			rows[i] = logs.Row{Source: tb.Meta[i].Source, Time: tb.Meta[i].Time, Values: vals}
		}
		if err := le.AppendTx(tx, tb.Name, rows...); err != nil {
			return err
		}
	}
	return nil
}
