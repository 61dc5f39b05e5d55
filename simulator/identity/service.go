package identity

import (
	"context"
	"fmt"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/kql"
	"github.com/soclab/soclab/simulator/logs"
)

// Service is the directory of every tenant of a world, over the log engine that holds the
// scenario, the cast and the telemetry (one per World, shared).
type Service struct {
	eng *logs.Engine
}

// NewService returns the directory service over e.
func NewService(e *logs.Engine) *Service { return &Service{eng: e} }

// Evaluator decides sign-in attempts for the service's scenario.
func (s *Service) Evaluator() *Evaluator { return NewEvaluator(s.eng.Scenario()) }

// Engine is the log engine the service reads.
func (s *Service) Engine() *logs.Engine { return s.eng }

// Base resolves a tenant's base directory (its cast is generated once per tenant by the engine).
func (s *Service) Base(tenantID string) (*Base, error) {
	t, err := s.eng.World().TenantByID(tenantID)
	if err != nil {
		return nil, err
	}
	c, err := s.eng.Cast(tenantID)
	if err != nil {
		return nil, fmt.Errorf("identity: cast of %s: %w", tenantID, err)
	}
	return NewBase(s.eng.Scenario(), c, t), nil
}

// Read runs fn over the tenant's directory at its clock.
func (s *Service) Read(tenantID string, fn func(*Directory) error) error {
	b, err := s.Base(tenantID)
	if err != nil {
		return err
	}
	return s.eng.World().View(tenantID, func(tx *simulator.TenantTx) error {
		d, err := Load(tx, b, tx.Now())
		if err != nil {
			return err
		}
		return fn(d)
	})
}

// Write runs fn with a Writer over the directory of now in one transaction: the writes it
// accepts and their AuditLogs rows are stored together, or nothing is when fn or the store
// fails. fn may run more than once (the store's shared commits); keep its effects inside.
func (s *Service) Write(tenantID string, c Caller, fn func(*Writer) error) error {
	b, err := s.Base(tenantID)
	if err != nil {
		return err
	}
	return s.eng.World().Update(tenantID, func(tx *simulator.TenantTx) error { return s.writeTx(tx, b, c, fn) })
}

// WriteTx is Write inside a transaction the caller holds (a change of another package that
// must be stored together with directory writes, e.g. a break-and-fix fault's effect and its
// bookkeeping).
func (s *Service) WriteTx(tx *simulator.TenantTx, c Caller, fn func(*Writer) error) error {
	b, err := s.Base(tx.Tenant().ID)
	if err != nil {
		return err
	}
	return s.writeTx(tx, b, c, fn)
}

func (s *Service) writeTx(tx *simulator.TenantTx, b *Base, c Caller, fn func(*Writer) error) error {
	d, err := Load(tx, b, tx.Now())
	if err != nil {
		return err
	}
	w := &Writer{Dir: d, tx: tx, caller: c}
	if err := fn(w); err != nil {
		return err
	}
	if len(w.events) == 0 {
		return nil
	}
	if err := appendEvents(tx, w.events); err != nil {
		return err
	}
	rows := make([]logs.Row, len(w.records))
	for i, r := range w.records {
		rows[i] = auditRow(tx, c, r)
	}
	return s.eng.AppendTx(tx, "AuditLogs", rows...)
}

// Logs runs a KQL query over Entra's own logs of the tenant (SigninLogs,
// AADNonInteractiveUserSignInLogs, AuditLogs as ingested by the tenant clock) and returns the
// rows as column → value maps.
func (s *Service) Logs(ctx context.Context, tenantID, query string) ([]map[string]any, time.Time, error) {
	now, err := s.eng.World().Now(tenantID)
	if err != nil {
		return nil, time.Time{}, err
	}
	db, err := s.eng.Entra(tenantID, now)
	if err != nil {
		return nil, now, err
	}
	q, err := kql.Compile(query, s.eng.WorkspaceCatalog(), kql.CompileOptions{})
	if err != nil {
		return nil, now, fmt.Errorf("identity: compile %q: %w", query, err)
	}
	res, err := q.Run(ctx, db, kql.RunOptions{Now: now})
	if err != nil {
		return nil, now, fmt.Errorf("identity: run %q: %w", query, err)
	}
	cols := res.Columns()
	rows := res.Rows(false)
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		m := make(map[string]any, len(cols))
		for c, col := range cols {
			m[col.Name] = r[c]
		}
		out[i] = m
	}
	return out, now, nil
}
