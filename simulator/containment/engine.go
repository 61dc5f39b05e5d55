package containment

import (
	"errors"
	"fmt"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// Engine plays the attacker's return for every tenant of a World.
type Engine struct {
	le    *logs.Engine
	world *simulator.World
	scen  *scenario.Scenario
	eval  Evaluator
	plan  []item
}

// New builds the engine over the log engine's world and scenario; eval decides the attempts.
func New(le *logs.Engine, eval Evaluator) (*Engine, error) {
	if le == nil || eval == nil {
		return nil, errors.New("containment: a log engine and an evaluator are required")
	}
	s := le.Scenario()
	return &Engine{le: le, world: le.World(), scen: s, eval: eval, plan: planOf(s)}, nil
}

// Advance catches the tenant up from its stored progress to lab time to: every item of the
// return whose time has come is decided and written exactly once, in time order, each batch in
// one transaction with the progress. Nothing happens before the attack is launched, and a call
// with nothing due only reads the progress.
func (e *Engine) Advance(tenantID string, to time.Time) error {
	if len(e.plan) == 0 {
		return nil
	}
	if _, due, err := e.nextDue(tenantID, to); err != nil || !due {
		return wrap(err)
	}
	cast, err := e.le.Cast(tenantID)
	if err != nil {
		return wrap(err)
	}
	return wrap(e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		return e.materialise(tx, cast, to)
	}))
}

// Progress tells the pipeline how far the tenant's return is done: just before its next due
// item, or to when nothing is due by then (not launched, all played, or later than to).
func (e *Engine) Progress(tenantID string, to time.Time) (time.Time, error) {
	next, due, err := e.nextDue(tenantID, to)
	if err != nil || !due {
		return to, wrap(err)
	}
	return next.Add(-time.Nanosecond), nil
}

// nextDue reads the tenant's progress: the time of its next item and whether it is due by to
// (the attack launched and the item not after to).
func (e *Engine) nextDue(tenantID string, to time.Time) (time.Time, bool, error) {
	var next time.Time
	var due bool
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		p, err := readProgress(tx)
		if err != nil || p.Done >= len(e.plan) || e.plan[p.Done].At.After(to) {
			return err
		}
		a, err := logs.LaunchState(tx)
		next, due = e.plan[p.Done].At, a.Launched
		return err
	})
	return next, due, err
}

func wrap(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("containment: %w", err)
}

// materialise decides and writes the due items (re-read inside the transaction: a concurrent
// Advance may have done them).
func (e *Engine) materialise(tx *simulator.TenantTx, cast *generate.Cast, to time.Time) error {
	p, err := readProgress(tx)
	if err != nil {
		return err
	}
	if a, err := logs.LaunchState(tx); err != nil || !a.Launched {
		return err
	}
	results, err := readResults(tx)
	if err != nil {
		return err
	}
	domain := cast.Params.TenantDomain
	for p.Done < len(e.plan) && !e.plan[p.Done].At.After(to) {
		it := e.plan[p.Done]
		nonce := tx.Tenant().ID + "/" + it.Key
		var tel *generate.Telemetry
		if it.attempt == nil {
			res := Result{Key: it.Key, At: it.At, Kind: followUpKey, Played: p.VictimIn}
			if p.VictimIn {
				if tel, err = generate.ReturnRows(e.scen, cast, nil, e.scen.Attack.Return.FollowUp, nonce); err != nil {
					return err
				}
			}
			results = append(results, res)
		} else {
			a := attemptOf(e.scen, it, domain)
			v, err := e.eval.Evaluate(tx, a)
			if err != nil {
				return fmt.Errorf("evaluate %s of %s at %s: %w", it.Key, a.UPN, a.At.Format(time.RFC3339), err)
			}
			o, err := outcomeOf(v)
			if err != nil {
				return fmt.Errorf("evaluate %s of %s: %w", it.Key, a.UPN, err)
			}
			si := generate.ReturnSignIn{At: it.At, User: it.user, IP: it.ip, App: it.attempt.App,
				Interactive: a.Kind == Password, Risk: it.attempt.Risk, RiskEvents: it.attempt.RiskEventTypes, Outcome: o}
			if tel, err = generate.ReturnRows(e.scen, cast, []generate.ReturnSignIn{si}, nil, nonce); err != nil {
				return err
			}
			p.VictimIn = p.VictimIn || (it.victim && v.ErrorCode == 0)
			results = append(results, Result{Key: it.Key, At: it.At, Kind: it.attempt.Kind, UPN: a.UPN, IP: a.IP,
				ErrorCode: v.ErrorCode, ConditionalAccessStatus: o.CAStatus})
		}
		if tel != nil {
			if err := appendTelemetry(tx, e.le, tel); err != nil {
				return err
			}
		}
		p.Done++
	}
	if err := tx.PutJSON(stateColl, keyResults, results); err != nil {
		return err
	}
	return tx.PutJSON(stateColl, keyProgress, p)
}

// AdvanceToNow advances the tenant to its own clock.
func (e *Engine) AdvanceToNow(tenantID string) error {
	now, err := e.world.Now(tenantID)
	if err != nil {
		return wrap(err)
	}
	return e.Advance(tenantID, now)
}

// AdvanceAll advances every tenant to its clock; one tenant's failure does not stop the others.
func (e *Engine) AdvanceAll() error {
	tenants, err := e.world.Tenants()
	if err != nil {
		return wrap(err)
	}
	var errs []error
	for _, t := range tenants {
		if err := e.AdvanceToNow(t.ID); err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Results lists what happened so far to the tenant's attacker's return, in time order (the
// grader and `soclab attack status` read it).
func (e *Engine) Results(tenantID string) ([]Result, error) {
	var r []Result
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		var err error
		r, err = readResults(tx)
		return err
	})
	return r, wrap(err)
}
