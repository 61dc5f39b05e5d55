package identity

import (
	"context"
	"testing"
	"time"

	"github.com/soclab/soclab/simulator"
)

// BenchmarkEvaluate is one verdict (Evaluator: the scenario read once) of the attacker's return with a revocation and a blocking
// policy in the log (the containment engine asks a handful per tenant-day).
func BenchmarkEvaluate(b *testing.B) {
	f := newFixture(b)
	f.launch()
	f.at("11:00")
	f.write(func(w *Writer) error { return w.RevokeSessions(alex) })
	f.policy(blockPolicy("enabled", allUsers(), f.location("185.220.101.0/24")))
	a := Attempt{UPN: alex, IP: attackIP, At: returnAt, Kind: RefreshToken, CredentialTime: sessionIssued}
	ev := f.svc.Evaluator()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
			_, err := ev.Evaluate(tx, a)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad is the full directory of a tenant (the cast, the attack, the learner's writes)
// as a Graph read builds it.
func BenchmarkLoad(b *testing.B) {
	f := newFixture(b)
	f.launch()
	base, err := f.svc.Base(f.tenant.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		err := f.world.View(f.tenant.ID, func(tx *simulator.TenantTx) error {
			_, err := Load(tx, base, tx.Now())
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRisk derives risky users and detections from the sign-in logs at the clock.
func BenchmarkRisk(b *testing.B) {
	f := newFixture(b)
	f.launch()
	f.world.SetTime(f.tenant.ID, time.Date(2025, 1, 15, 12, 0, 0, 0, time.UTC))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := f.svc.Risk(context.Background(), f.tenant.ID); err != nil {
			b.Fatal(err)
		}
	}
}
