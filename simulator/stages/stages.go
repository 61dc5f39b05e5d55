// Package stages assembles the clock-driven engines a tenant runs, in order (containment →
// detect → xdr → automation), with the adapters that let containment and automation read the
// identity plane. The server (cmd/soclab) and the tests that play the whole lab in-process
// (grader) build the same pipeline from it.
package stages

import (
	"fmt"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/automation"
	"github.com/soclab/soclab/simulator/containment"
	"github.com/soclab/soclab/simulator/copilot"
	"github.com/soclab/soclab/simulator/detect"
	"github.com/soclab/soclab/simulator/identity"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/pipeline"
	"github.com/soclab/soclab/simulator/sentinel"
	"github.com/soclab/soclab/simulator/xdr"
)

// New lists the engines in the order they run for a tenant; defender is the Defender XDR engine
// (the server also applies its faults when they are toggled). Adding an engine is one line here.
func New(le *logs.Engine, defender *xdr.Engine, rulesOpts detect.Options) ([]pipeline.Named, error) {
	rules, err := detect.New(le, rulesOpts)
	if err != nil {
		return nil, err
	}
	cont, err := Containment(le)
	if err != nil {
		return nil, err
	}
	return []pipeline.Named{
		{Name: "containment", Stage: cont},
		{Name: "detect", Stage: rules},
		{Name: "xdr", Stage: defender},
		{Name: "automation", Stage: Automation(le)},
	}, nil
}

func ptr[T any](v T) *T { return &v }

// Containment builds the engine that plays the attacker's return, decided by the tenant's
// Entra ID directory. It is the pipeline's first stage (CONTRACTS §1: containment → detect →
// xdr → automation), so a rule run sees the return's rows.
func Containment(le *logs.Engine) (*containment.Engine, error) {
	s := le.Scenario()
	return containment.New(le, DirectoryVerdicts{scen: s, dir: identity.NewEvaluator(s)})
}

// DirectoryVerdicts adapts the identity plane's Evaluator to containment's (CONTRACTS §4: the
// same shapes, declared in each package).
type DirectoryVerdicts struct {
	scen *scenario.Scenario
	dir  *identity.Evaluator
}

// Evaluate asks the directory as of the attempt's time. A password with no CredentialTime is a
// spray's guess, never the account's password: it fails with 50126 before anything else is
// looked at (a disabled account or a CA block answer only a correct password: 50057 and 53003
// tell a sprayer the password was right), unless the account does not exist (50034). When a
// sign-in fails before Conditional Access runs, the tenant's policies are listed unapplied, as
// Entra (and the generated sign-ins) list them.
func (d DirectoryVerdicts) Evaluate(tx *simulator.TenantTx, a containment.Attempt) (containment.Verdict, error) {
	v, err := d.dir.Evaluate(tx, identity.Attempt{UPN: a.UPN, IP: a.IP, At: a.At, Kind: identity.AttemptKind(a.Kind), CredentialTime: a.CredentialTime})
	if err != nil {
		return containment.Verdict{}, err
	}
	out := containment.Verdict{ErrorCode: v.ErrorCode, FailureReason: v.FailureReason, ConditionalAccessStatus: v.ConditionalAccessStatus}
	if a.Kind == containment.Password && a.CredentialTime.IsZero() && v.ErrorCode != identity.CodeUserNotFound {
		out = containment.Verdict{ErrorCode: identity.CodeBadPassword, ConditionalAccessStatus: "notApplied"}
	}
	if out.ErrorCode != 0 && out.ConditionalAccessStatus == "notApplied" {
		out.AppliedPolicies, err = d.unapplied(tx, a)
		return out, err
	}
	if v.AppliedPolicies != nil {
		out.AppliedPolicies = make([]containment.AppliedPolicy, len(v.AppliedPolicies))
		for i, p := range v.AppliedPolicies {
			out.AppliedPolicies[i] = containment.AppliedPolicy{ID: p.ID, DisplayName: p.DisplayName, Result: p.Result, EnforcedGrantControls: p.EnforcedGrantControls}
		}
	}
	return out, nil
}

// unapplied lists the tenant's Conditional Access policies as of the attempt, none applied.
func (d DirectoryVerdicts) unapplied(tx *simulator.TenantTx, a containment.Attempt) ([]containment.AppliedPolicy, error) {
	dir, err := identity.Load(tx, identity.NewBase(d.scen, nil, tx.Tenant()), a.At)
	if err != nil {
		return nil, fmt.Errorf("identity: policies as of %s: %w", a.At, err)
	}
	out := []containment.AppliedPolicy{}
	for _, p := range dir.Policies {
		r := "notApplied"
		switch p["state"] {
		case "disabled":
			r = "notEnabled"
		case "enabledForReportingButNotEnforced":
			r = "reportOnlyNotApplied"
		}
		id, _ := p["id"].(string)
		name, _ := p["displayName"].(string)
		out = append(out, containment.AppliedPolicy{ID: id, DisplayName: name, Result: r, EnforcedGrantControls: []string{}})
	}
	return out, nil
}

// Automation builds the automation stage (CONTRACTS §1: last, after the rules and the XDR
// sync) with owners resolved in the tenant's directory and playbooks' Security Copilot prompts
// answered by the same Copilot service as the server's (its state is the world's).
func Automation(le *logs.Engine) *automation.Engine {
	return automation.New(le, automation.Options{Directory: DirectoryOwners{Identity: identity.NewService(le)},
		Copilot: CopilotConnector{Service: copilot.New(le)}})
}

// DirectoryOwners resolves an automation rule's owner by object id in the identity plane: a
// group (the lab's SOC Tier 2) or a user, as Entra knows it at the transaction's time.
type DirectoryOwners struct{ Identity *identity.Service }

// Owners reads the tenant's base directory (outside any transaction) and returns the lookup.
func (d DirectoryOwners) Owners(tenantID string) (automation.OwnerLookup, error) {
	b, err := d.Identity.Base(tenantID)
	if err != nil {
		return nil, err
	}
	return func(tx *simulator.TenantTx, objectID string) (sentinel.Owner, bool, error) {
		dir, err := identity.Load(tx, b, tx.Now())
		if err != nil {
			return sentinel.Owner{}, false, err
		}
		if g := dir.Group(objectID); g != nil {
			return sentinel.Owner{ObjectID: &g.ID, AssignedTo: &g.DisplayName, OwnerType: ptr("Group")}, true, nil
		}
		if u := dir.UserByKey(objectID); u != nil && u.ID != "" {
			o := sentinel.Owner{ObjectID: &u.ID, AssignedTo: &u.DisplayName, UserPrincipalName: &u.UserPrincipalName, OwnerType: ptr("User")}
			if u.Mail != "" {
				o.Email = &u.Mail
			}
			return o, true, nil
		}
		return sentinel.Owner{}, false, nil
	}, nil
}
