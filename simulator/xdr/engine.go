package xdr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// Engine raises Defender's alerts, correlates them into incidents and syncs incidents with
// Sentinel, per tenant, on the tenant's clock. Safe for concurrent use; one tenant's Advance
// calls are serialized.
type Engine struct {
	world *simulator.World
	logs  *logs.Engine
	scen  *scenario.Scenario

	mu      sync.Mutex
	tenants map[string]*sync.Mutex
}

// New returns the engine of the world le routes logs for.
func New(le *logs.Engine) *Engine {
	return &Engine{world: le.World(), logs: le, scen: le.Scenario(), tenants: map[string]*sync.Mutex{}}
}

func (e *Engine) lock(tenantID string) *sync.Mutex {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.tenants[tenantID]
	if !ok {
		m = &sync.Mutex{}
		e.tenants[tenantID] = m
	}
	return m
}

// AdvanceAll advances every tenant to its clock; it goes on after a failing tenant.
func (e *Engine) AdvanceAll() error {
	tenants, err := e.world.Tenants()
	if err != nil {
		return fmt.Errorf("xdr: list tenants: %w", err)
	}
	var errs []error
	for _, t := range tenants {
		now, err := e.world.Now(t.ID)
		if err == nil {
			err = e.Advance(t.ID, now)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("tenant %s: %w", t.Name, err))
		}
	}
	return errors.Join(errs...)
}

// arrival is an alert that reaches Defender XDR at a time.
type arrival struct {
	at       time.Time
	alert    Alert
	sentinel *sentinelArrival
}

// Advance catches the tenant up to lab time to: the xdr faults' effect on the settings, the
// Defender products' alerts and the Sentinel rules' alerts due by then, correlated in time
// order, and the sync with the connected workspace. Idempotent; it writes nothing when nothing
// is due.
func (e *Engine) Advance(tenantID string, to time.Time) error {
	l := e.lock(tenantID)
	l.Lock()
	defer l.Unlock()
	if err := e.ApplyFaults(tenantID); err != nil {
		return err
	}
	attack, err := e.logs.Status(tenantID)
	if err != nil {
		return fmt.Errorf("xdr: %w", err)
	}
	var arrivals []arrival
	var ws string
	var settings Settings
	err = e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		arrivals = nil
		p, err := readProgress(tx)
		if err != nil {
			return err
		}
		if settings, err = ReadSettings(tx); err != nil {
			return err
		}
		for _, a := range scenarioAlerts(e.scen, tx.Tenant(), attack.State) {
			if a.Created.After(to) {
				continue
			}
			if _, ok, err := AlertByID(tx, a.ID); err != nil || ok {
				if err != nil {
					return err
				}
				continue
			}
			arrivals = append(arrivals, arrival{at: a.Created, alert: a})
		}
		if ws, err = ConnectedWorkspace(tx); err != nil || ws == "" {
			return err
		}
		fresh, err := newSentinelAlerts(tx, ws, p, settings)
		if err != nil {
			return err
		}
		for i := range fresh {
			arrivals = append(arrivals, arrival{at: fresh[i].alert.Created, alert: fresh[i].alert, sentinel: &fresh[i]})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("xdr: read: %w", err)
	}
	sort.SliceStable(arrivals, func(i, j int) bool { return arrivals[i].at.Before(arrivals[j].at) })
	if len(arrivals) > 0 {
		// One transaction for all arrivals (each correlated as of its own time): a clock jump
		// over the whole attack costs one commit, not one per alert.
		err := e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
			p, err := readProgress(tx)
			if err != nil {
				return err
			}
			for _, a := range arrivals {
				if s := a.sentinel; s != nil {
					p.Sentinel[strings.ToLower(s.armID)] = s.passes
					if !s.passes {
						continue
					}
					a.alert.SentinelIncidentID = s.incident
				}
				if _, err := correlate(tx, &p, a.alert, a.at); err != nil {
					return fmt.Errorf("alert %s: %w", a.alert.ID, err)
				}
			}
			return writeProgress(tx, p)
		})
		if err != nil {
			return fmt.Errorf("xdr: %w", err)
		}
	}
	if ws == "" || !settings.SyncEnabled {
		return nil
	}
	return e.sync(tenantID, ws, to)
}

// sync runs the due sync work of every incident, each at its own time.
func (e *Engine) sync(tenantID, ws string, to time.Time) error {
	lw, err := e.logs.Workspace(tenantID, ws)
	if err != nil {
		return fmt.Errorf("xdr: %w", err)
	}
	type due struct {
		id    int
		times []time.Time
	}
	var work []due
	err = e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		work = nil
		incs, err := Incidents(tx)
		if err != nil {
			return err
		}
		for _, inc := range incs {
			alerts, err := IncidentAlerts(tx, inc)
			if err != nil {
				return err
			}
			var twin *sentinel.Incident
			if inc.Sync.SentinelID != "" {
				t, ok, err := sentinel.IncidentByID(tx, inc.Sync.SentinelID)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				twin = &t
			}
			if ts := syncTimes(inc, alerts, twin, to); len(ts) > 0 {
				work = append(work, due{inc.ID, ts})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("xdr: sync: %w", err)
	}
	rows := &rowBatch{}
	for i := len(work) - 1; i >= 0; i-- { // oldest incident first
		for _, t := range work[i].times {
			id := work[i].id
			var batch rowBatch
			err := e.world.UpdateAt(tenantID, t, func(tx *simulator.TenantTx) error {
				batch = rowBatch{}
				return syncIncident(tx, ws, lw.Info.CustomerID, id, &batch)
			})
			if err != nil {
				return fmt.Errorf("xdr: sync incident %d: %w", id, err)
			}
			rows.alerts = append(rows.alerts, batch.alerts...)
			rows.incidents = append(rows.incidents, batch.incidents...)
		}
	}
	if len(rows.alerts) > 0 {
		if err := e.logs.Append(tenantID, "SecurityAlert", rows.alerts...); err != nil {
			return err
		}
	}
	if len(rows.incidents) > 0 {
		return e.logs.Append(tenantID, "SecurityIncident", rows.incidents...)
	}
	return nil
}

// ApplyFaults makes the xdr faults' effect on the settings when they are switched on, and
// undoes it when they are switched off (unless the learner changed the settings since).
func (e *Engine) ApplyFaults(tenantID string) error {
	list, err := e.logs.Faults(tenantID)
	if err != nil {
		return fmt.Errorf("xdr: faults: %w", err)
	}
	on := map[string]bool{}
	for _, f := range list {
		on[f.ID] = f.On
	}
	var pending bool
	err = e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		p, err := readProgress(tx)
		if err != nil {
			return err
		}
		pending = false
		for _, f := range e.scen.Faults {
			if isSyncFault(f.Kind) {
				_, applied := p.Faults[f.ID]
				pending = pending || applied != on[f.ID]
			}
		}
		return nil
	})
	if err != nil || !pending {
		return err
	}
	return e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
		p, err := readProgress(tx)
		if err != nil {
			return err
		}
		s, err := ReadSettings(tx)
		if err != nil {
			return err
		}
		for _, f := range e.scen.Faults {
			if !isSyncFault(f.Kind) {
				continue
			}
			before, applied := p.Faults[f.ID]
			switch {
			case on[f.ID] && !applied:
				p.Faults[f.ID] = s
				s = faultSettings(f, s)
			case !on[f.ID] && applied:
				if equalSettings(s, faultSettings(f, before)) {
					s = before
				}
				delete(p.Faults, f.ID)
			}
		}
		if err := WriteSettings(tx, s); err != nil {
			return err
		}
		return writeProgress(tx, p)
	})
}

func isSyncFault(kind string) bool {
	return kind == scenario.FaultSyncSeverityFilter || kind == scenario.FaultSyncOff
}

// faultSettings are the settings a fault leaves: only severities from MinSeverity up, or sync off.
func faultSettings(f scenario.Fault, s Settings) Settings {
	out := Settings{SyncEnabled: s.SyncEnabled, Severities: append([]string{}, s.Severities...)}
	switch f.Kind {
	case scenario.FaultSyncOff:
		out.SyncEnabled = false
	case scenario.FaultSyncSeverityFilter:
		out.Severities = nil
		for _, v := range DefaultSettings().Severities {
			if SeverityRank(v) >= SeverityRank(f.MinSeverity) {
				out.Severities = append(out.Severities, v)
			}
		}
	}
	return out
}

func equalSettings(a, b Settings) bool {
	if a.SyncEnabled != b.SyncEnabled || len(a.Severities) != len(b.Severities) {
		return false
	}
	for _, v := range a.Severities {
		if !b.Passes(v) {
			return false
		}
	}
	return true
}
