package automation

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// Delay is how long after an incident event its automation runs on the lab clock: rules act
// within seconds, so their changes (and SecurityIncident rows) come after the change that
// triggered them.
const Delay = time.Second

// stateColl holds the engine's progress per tenant: the Seq of the last handled event.
const (
	stateColl = "automation"
	cursorKey = "cursor"
)

// Directory looks up the directory object an owner's objectId names, as Sentinel does when an
// owner is set by id: a user (ownerType "User", with its userPrincipalName, email and display
// name as assignedTo) or a group (ownerType "Group", display name as assignedTo). Owners is
// called outside any transaction (it may read what it needs); the lookup it returns runs inside
// the handling transaction.
type Directory interface {
	Owners(tenantID string) (OwnerLookup, error)
}

// OwnerLookup resolves an object id in the transaction's tenant; false when it names nothing.
type OwnerLookup func(tx *simulator.TenantTx, objectID string) (sentinel.Owner, bool, error)

// Options tune the engine.
type Options struct {
	// Directory resolves owners' object ids (nil: an objectId without ownerType is a User).
	Directory Directory
	// QueryTimeout bounds a playbook's query (0: 30 seconds).
	QueryTimeout time.Duration
	// Copilot answers playbooks' "Submit a Security Copilot prompt" actions (nil: those
	// actions fail the run).
	Copilot Copilot
}

// Engine runs the automation rules of a world's tenants. Safe for concurrent use; the events
// of one tenant are handled one at a time.
type Engine struct {
	world *simulator.World
	logs  *logs.Engine
	opts  Options

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// New returns the automation engine of the world le routes logs for (playbooks query it).
func New(le *logs.Engine, opts Options) *Engine {
	if opts.QueryTimeout <= 0 {
		opts.QueryTimeout = 30 * time.Second
	}
	return &Engine{world: le.World(), logs: le, opts: opts, locks: map[string]*sync.Mutex{}}
}

func (e *Engine) tenantLock(id string) *sync.Mutex {
	e.mu.Lock()
	defer e.mu.Unlock()
	m, ok := e.locks[id]
	if !ok {
		m = &sync.Mutex{}
		e.locks[id] = m
	}
	return m
}

// Advance handles, in order, the tenant's incident events not handled yet whose time is not
// after to, including the events the rules' own changes append (CONTRACTS §1). An event on which
// some rule acts is handled in one transaction that also records it as handled, so none is
// handled twice; events no rule acts on are only counted as handled (one write at the end).
func (e *Engine) Advance(tenantID string, to time.Time) error {
	lock := e.tenantLock(tenantID)
	lock.Lock()
	defer lock.Unlock()
	var stored uint64
	if err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		_, err := tx.GetJSON(stateColl, cursorKey, &stored)
		return err
	}); err != nil {
		return fmt.Errorf("automation: %w", err)
	}
	done, err := e.advance(tenantID, to, stored)
	var alertsDone uint64
	if err == nil {
		alertsDone, err = e.advanceAlerts(tenantID, to)
	}
	// One write records the events no rule acted on (incident and alert cursors).
	if done > stored || alertsDone > 0 {
		if uerr := e.world.Update(tenantID, func(tx *simulator.TenantTx) error {
			for _, c := range []struct {
				key string
				seq uint64
			}{{cursorKey, done}, {alertCursorKey, alertsDone}} {
				var cur uint64
				if _, err := tx.GetJSON(stateColl, c.key, &cur); err != nil {
					return err
				}
				if c.seq > cur {
					if err := tx.PutJSON(stateColl, c.key, c.seq); err != nil {
						return err
					}
				}
			}
			return nil
		}); uerr != nil && err == nil {
			err = fmt.Errorf("automation: %w", uerr)
		}
	}
	return err
}

// advance handles the pending events from done on and returns the last handled Seq.
func (e *Engine) advance(tenantID string, to time.Time, done uint64) (uint64, error) {
	for {
		var pending []sentinel.IncidentEvent
		err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
			var err error
			pending, err = sentinel.PendingIncidentEvents(tx, done)
			return err
		})
		if err != nil {
			return done, fmt.Errorf("automation: %w", err)
		}
		units := group(pending)
		if len(units) == 0 || units[0].At.After(to) {
			return done, nil
		}
		for _, u := range units {
			if u.At.After(to) {
				return done, nil
			}
			var acts bool
			err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
				var err error
				if _, acts, err = sentinel.TakePendingRow(tx, u.Seq, false); err != nil || acts {
					return err // a user's change to write to SecurityIncident
				}
				acts, _, err = e.runRules(tx, u, run{}, true)
				return err
			})
			if err == nil && acts {
				err = e.handle(tenantID, u)
			}
			if err != nil {
				return done, fmt.Errorf("automation: incident event %d: %w", u.Seq, err)
			}
			done = u.Seq
		}
	}
}

// group merges the events one automation run made on one incident (same Cause and Source,
// consecutive) into one update, as Sentinel sees one rule run's changes: Before of the first,
// After and Seq of the last.
func group(evs []sentinel.IncidentEvent) []sentinel.IncidentEvent {
	var out []sentinel.IncidentEvent
	for _, ev := range evs {
		if n := len(out); n > 0 && ev.Cause != 0 && ev.Kind == sentinel.EventUpdated {
			last := &out[n-1]
			if last.Kind == sentinel.EventUpdated && last.Cause == ev.Cause && last.Source == ev.Source &&
				strings.EqualFold(last.IncidentID, ev.IncidentID) && last.AutomationTrigger == ev.AutomationTrigger {
				last.Seq, last.At, last.After = ev.Seq, ev.At, ev.After
				continue
			}
		}
		out = append(out, ev)
	}
	return out
}

// needQuery stops a transaction that reached a playbook run whose query has not run yet: the
// query reads the logs, which must not happen inside the state transaction.
type needQuery struct{ run playbookRun }

func (n *needQuery) Error() string { return "playbook query pending: " + n.run.key() }

// handle runs the rules on one event in one transaction stamped with the event's time,
// running playbook queries between attempts.
func (e *Engine) handle(tenantID string, ev sentinel.IncidentEvent) error {
	results := map[string]queryResult{}
	var owners OwnerLookup
	if e.opts.Directory != nil {
		var err error
		if owners, err = e.opts.Directory.Owners(tenantID); err != nil {
			return fmt.Errorf("directory: %w", err)
		}
	}
	for attempt := 0; ; attempt++ {
		var need *needQuery
		err := e.world.UpdateAt(tenantID, ev.At.Add(Delay), func(tx *simulator.TenantTx) error {
			need = nil
			var cursor uint64
			if _, err := tx.GetJSON(stateColl, cursorKey, &cursor); err != nil {
				return err
			}
			if cursor >= ev.Seq {
				return nil // handled meanwhile
			}
			last, err := sentinel.LastIncidentEventSeq(tx)
			if err != nil {
				return err
			}
			_, reports, err := e.runRules(tx, ev, run{results: results, owners: owners}, false)
			if err != nil {
				errors.As(err, &need)
				return err
			}
			if err := e.writeRows(tx, ev, last, reports); err != nil {
				return err
			}
			return tx.PutJSON(stateColl, cursorKey, ev.Seq)
		})
		if need == nil {
			return err
		}
		if attempt >= maxPlaybookRuns {
			return fmt.Errorf("more than %d playbook runs for one event", maxPlaybookRuns)
		}
		results[need.run.key()] = e.runQuery(tenantID, need.run)
	}
}

// writeRows appends, in the handling transaction, the SecurityIncident row a user's change
// left waiting (sentinel.TakePendingRow), the incident's row when the rules changed it (events after last; Sentinel records every update there, ModifiedBy the last
// actor) and the rule runs' SentinelHealth records.
func (e *Engine) writeRows(tx *simulator.TenantTx, ev sentinel.IncidentEvent, last uint64, reports []*report) error {
	cid := sentinel.CustomerID(tx, ev.Workspace)
	if r, ok, err := sentinel.TakePendingRow(tx, ev.Seq, true); err != nil {
		return err
	} else if ok { // the triggering user change's own row comes first
		if err := e.logs.AppendTx(tx, "SecurityIncident", logs.Row{Workspace: r.Workspace, Time: r.At, Values: r.Values}); err != nil {
			return err
		}
	}
	evs, err := sentinel.PendingIncidentEvents(tx, last)
	if err != nil {
		return err
	}
	if len(evs) > 0 {
		v, err := sentinel.SecurityIncidentValues(tx, ev.IncidentID, tx.Now(), evs[len(evs)-1].Actor)
		if err != nil {
			return err
		}
		if err := e.logs.AppendTx(tx, "SecurityIncident", logs.Row{Workspace: cid, Time: tx.Now(), Values: v}); err != nil {
			return err
		}
	}
	return e.writeHealth(tx, cid, reports)
}

// writeHealth appends the rule runs' SentinelHealth records in the transaction.
func (e *Engine) writeHealth(tx *simulator.TenantTx, customerID string, reports []*report) error {
	if len(reports) == 0 {
		return nil
	}
	rows := make([]logs.Row, len(reports))
	for i, r := range reports {
		rows[i] = r.healthRow(customerID, tx.Now())
	}
	return e.logs.AppendTx(tx, "SentinelHealth", rows...)
}

// run is what the actions of one handling transaction share: the playbook queries already run
// and the owner lookup.
type run struct {
	results map[string]queryResult
	owners  OwnerLookup
}

// maxPlaybookRuns bounds the playbook queries of one event (each attempt adds one).
const maxPlaybookRuns = 100

// runRules evaluates the workspace's rules for the event in their order and applies the
// actions of those whose conditions hold. dry only reports whether some rule would act (or
// must record a failure), changing nothing.
func (e *Engine) runRules(tx *simulator.TenantTx, ev sentinel.IncidentEvent, rc run, dry bool) (bool, []*report, error) {
	if ok, err := sentinel.IsOnboarded(tx, ev.Workspace); err != nil || !ok {
		return false, nil, err
	}
	if _, ok, err := sentinel.IncidentByID(tx, ev.IncidentID); err != nil || !ok {
		return false, nil, err // deleted since
	}
	// Changes made by update-trigger rules do not trigger update rules again (no loops).
	if ev.Kind == sentinel.EventUpdated && ev.AutomationTrigger == sentinel.EventUpdated {
		return false, nil, nil
	}
	rules, err := sentinel.AutomationRules(tx, ev.Workspace)
	if err != nil {
		return false, nil, err
	}
	var entities []sentinel.Entity
	var entitiesLoaded bool
	loadEntities := func() ([]sentinel.Entity, error) {
		if !entitiesLoaded {
			ents, _, err := sentinel.IncidentEntities(tx, ev.IncidentID)
			if err != nil {
				return nil, err
			}
			entities, entitiesLoaded = ents, true
		}
		return entities, nil
	}
	acted := false
	var reports []*report
	for i := range rules {
		r := &rules[i]
		if !applies(r, ev) {
			continue
		}
		inc, _, err := sentinel.IncidentByID(tx, ev.IncidentID)
		if err != nil {
			return acted, reports, err
		}
		s := &subject{ev: ev, cur: sentinel.StateOf(inc), entities: loadEntities,
			details: func() (map[string][]string, error) { return customDetails(tx, ev.IncidentID) }}
		actor := sentinel.Actor{Source: sentinel.SourceAutomationRule, Name: ruleName(r), Cause: ev.Seq, AutomationTrigger: ev.Kind}
		ok, err := s.all(r.Properties.TriggeringLogic.Conditions)
		if dry && (ok || err != nil) {
			return true, nil, nil
		}
		if err == nil && !ok {
			continue
		}
		rep := newReport(r, ev, inc)
		reports = append(reports, rep)
		acted = true
		if err != nil {
			rep.conditionsFailed = true
			if err := sentinel.AddIncidentActivity(tx, ev.IncidentID, sentinel.ActivityEntry{By: actor.Name, Source: actor.Source,
				Message: "could not evaluate its conditions: " + err.Error()}); err != nil {
				return acted, reports, err
			}
			continue
		}
		if err := e.apply(tx, r, ev, actor, rc, rep); err != nil {
			return acted, reports, err
		}
	}
	return acted, reports, nil
}

// ruleName is how the activity log names an automation rule.
func ruleName(r *sentinel.AutomationRule) string {
	name := r.Name
	if r.Properties.DisplayName != nil {
		name = *r.Properties.DisplayName
	}
	return "Automation rule '" + name + "'"
}

// applies reports whether an incident rule runs for an event: enabled, of the event's trigger,
// not expired at the event's time and created before it.
func applies(r *sentinel.AutomationRule, ev sentinel.IncidentEvent) bool {
	tl := r.Properties.TriggeringLogic
	return tl != nil && tl.TriggersOn != nil && *tl.TriggersOn == "Incidents" && enabledAt(r, ev.At, ev.Kind)
}
