package containment_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/containment"
)

// FuzzVerdict hands the engine arbitrary verdicts: it never panics, and either refuses the
// verdict and stores nothing, or writes the return with the verdict's code in ResultType.
func FuzzVerdict(f *testing.F) {
	f.Add(0, "", "", "", "")
	f.Add(53003, "", "failure", "p1", "failure")
	f.Add(50057, "The user account is disabled.", "notApplied", "", "")
	f.Add(-5, "", "", "", "")
	f.Add(4242, "", "success", "", "")
	f.Add(0, "reason", "success", "", "")
	f.Add(53000, "Device is not compliant.", "weird", "p", "r")
	f.Add(1<<40, "x\x00\"'", "failure", "\u2028", "success")
	fx := newFixture(f)
	n := 0
	f.Fuzz(func(t *testing.T, code int, reason, caStatus, policyID, policyResult string) {
		n++
		fx := *fx // the same world, reporting to this run's t
		fx.t = t
		ten, err := fx.world.AddTenant(fmt.Sprintf("fuzz%d", n))
		if err != nil {
			t.Fatal(err)
		}
		ws := fx.createWorkspace(ten)
		v := containment.Verdict{ErrorCode: code, FailureReason: reason, ConditionalAccessStatus: caStatus}
		if policyID != "" || policyResult != "" {
			v.AppliedPolicies = []containment.AppliedPolicy{{ID: policyID, DisplayName: "Fuzzed", Result: policyResult}}
		}
		eng, err := containment.New(fx.logs, containment.EvaluatorFunc(func(*simulator.TenantTx, containment.Attempt) (containment.Verdict, error) {
			return v, nil
		}))
		if err != nil {
			t.Fatal(err)
		}
		fx.launch(ten)
		to := clockAt(t, "14:10")
		if _, err := fx.world.SetTime(ten.ID, to); err != nil {
			t.Fatal(err)
		}
		advErr := eng.Advance(ten.ID, to)
		got := fx.query(ten, ws, `union SigninLogs, AADNonInteractiveUserSignInLogs | where TimeGenerated > datetime(2025-01-15T13:00:00Z) | where IPAddress startswith '185.220.101.' | summarize by ResultType`)
		res, _ := eng.Results(ten.ID)
		if advErr != nil {
			if !strings.HasPrefix(advErr.Error(), "containment: evaluate ") || len(got) != 0 || len(res) != 0 {
				t.Fatalf("refused with %v but stored rows %q results %d", advErr, got, len(res))
			}
			return
		}
		if len(got) != 1 || got[0] != fmt.Sprint(code) || len(res) != 13 {
			t.Fatalf("verdict %+v: ResultTypes %q, %d results", v, got, len(res))
		}
	})
}
