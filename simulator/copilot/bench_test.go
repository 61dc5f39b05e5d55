package copilot

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/xdr"
)

// taskFour are Task 4's six prompts on the lab's incident.
var taskFour = []struct{ name, prompt string }{
	{"1-summary", fmt.Sprintf("Summarise Defender XDR incident %d: its alerts, entities and timeline, each step mapped to MITRE ATT&CK.", xdr.FirstIncidentID)},
	{"2-risk", "What is the risk profile of alex.johnson@contoso.com: recent sign-ins, risk detections, groups, privileged roles, past incidents?"},
	{"3-ti", "Enrich the IP address 185.220.101.45 with threat intelligence."},
	{"4-blast", "Which Azure resources could alex.johnson@contoso.com reach, which secrets were read, which storage was touched? Estimate the blast radius."},
	{"5-kql", "Write a KQL query for Sentinel that finds sign-ins from 185.220.101.0/24 for all accounts over the last 30 days."},
	{"6-containment", "Give containment and remediation steps in priority order."},
}

// promptToCompleted does what the Graph API does for one prompt (mockapis/copilot): store the
// prompt, answer it for the caller, store the evaluation, then poll it (twice, as a frozen
// clock needs) until it reads completed.
func promptToCompleted(ctx context.Context, s *Service, tenantID, sessionID, prompt string, c Caller) error {
	var p Prompt
	if err := s.World().Update(tenantID, func(tx *simulator.TenantTx) (err error) {
		p, err = CreatePrompt(tx, sessionID, "prompt", prompt)
		return err
	}); err != nil {
		return err
	}
	res, err := s.AnswerAs(ctx, tenantID, c, prompt)
	if err != nil {
		return err
	}
	e := Evaluation{ID: simulator.NewGUID(), SessionID: sessionID, PromptID: p.ID, Answer: res}
	if err := s.World().Update(tenantID, func(tx *simulator.TenantTx) error { e.Created = tx.Now().UTC(); return PutEvaluation(tx, e) }); err != nil {
		return err
	}
	for state := ""; state != StateCompleted; {
		if err := s.World().Update(tenantID, func(tx *simulator.TenantTx) error {
			ev, err := GetEvaluation(tx, sessionID, p.ID, e.ID)
			if err != nil {
				return err
			}
			if v := ev.ViewAt(tx.Now()); v.State != StateCompleted {
				ev.Polls++
				if err := PutEvaluation(tx, ev); err != nil {
					return err
				}
			}
			state = ev.ViewAt(tx.Now()).State
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkPromptToCompletedEvaluation: Task 4's six prompts, each from prompt to completed
// evaluation on a warm tenant of the lab (armtest: 60 users × 3 days, the rules and Defender
// XDR advanced; the server's tenants are 200 × 30), p50/p99 per prompt and over all six.
// Target: under 50 ms each.
func BenchmarkPromptToCompletedEvaluation(b *testing.B) {
	l := newLab(b, true)
	ctx := context.Background()
	tenant, _ := l.World.TenantByID(l.Tenant.ID)
	c := Analyst(tenant)
	var session Session
	if err := l.World.Update(l.Tenant.ID, func(tx *simulator.TenantTx) (err error) {
		session, err = CreateSession(tx, "bench", c.String())
		return err
	}); err != nil {
		b.Fatal(err)
	}
	var all []time.Duration
	for _, p := range taskFour {
		if err := promptToCompleted(ctx, l.svc, l.Tenant.ID, session.ID, p.prompt, c); err != nil { // warm
			b.Fatal(err)
		}
		b.Run(p.name, func(b *testing.B) {
			var ds []time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				if err := promptToCompleted(ctx, l.svc, l.Tenant.ID, session.ID, p.prompt, c); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(t0))
			}
			all = append(all, ds...)
			reportPercentiles(b, ds)
		})
	}
	b.Run("all-six", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
		}
		reportPercentiles(b, all)
	})
}

func reportPercentiles(b *testing.B, ds []time.Duration) {
	if len(ds) == 0 {
		return
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	b.ReportMetric(float64(ds[len(ds)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(ds[min(len(ds)-1, len(ds)*99/100)].Microseconds())/1000, "p99-ms")
}
