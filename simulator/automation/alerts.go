package automation

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logicapps"
	"github.com/soclab/soclab/simulator/sentinel"
)

// alertCursorKey is the Seq of the last handled alert event.
const alertCursorKey = "alertCursor"

// Alert-trigger rules (triggersOn Alerts, api-versions after 2022-06-01-preview) run when an
// analytics rule creates an alert; their only condition is the analytics rule, their action
// is running alert-trigger playbooks (create-manage-use-automation-rules.md, "Conditions
// available with the alert trigger"; automate-incident-handling-with-automation-rules.md:
// "only alert-trigger playbooks can be run from alert-trigger automation rules").

// advanceAlerts handles the alert events after the alert cursor up to to: those some rule
// acts on in one transaction each; it returns the last event handled, for the caller to store.
func (e *Engine) advanceAlerts(tenantID string, to time.Time) (uint64, error) {
	var cursor uint64
	var acting []sentinel.AlertEvent
	done := uint64(0)
	err := e.world.View(tenantID, func(tx *simulator.TenantTx) error {
		if _, err := tx.GetJSON(stateColl, alertCursorKey, &cursor); err != nil {
			return err
		}
		pending, err := sentinel.PendingAlertEvents(tx, cursor)
		if err != nil {
			return err
		}
		for _, ev := range pending {
			if ev.At.After(to) {
				break
			}
			matches, err := alertRules(tx, ev)
			if err != nil {
				return err
			}
			if len(matches) > 0 {
				acting = append(acting, ev)
			}
			done = ev.Seq
		}
		return nil
	})
	if err != nil || done == 0 {
		return 0, err
	}
	for _, ev := range acting {
		err := e.world.UpdateAt(tenantID, ev.At.Add(Delay), func(tx *simulator.TenantTx) error {
			var cur uint64
			if _, err := tx.GetJSON(stateColl, alertCursorKey, &cur); err != nil || cur >= ev.Seq {
				return err
			}
			reports, err := runAlertRules(tx, ev)
			if err != nil {
				return err
			}
			if err := e.writeHealth(tx, sentinel.CustomerID(tx, ev.Workspace), reports); err != nil {
				return err
			}
			return tx.PutJSON(stateColl, alertCursorKey, ev.Seq)
		})
		if err != nil {
			return 0, fmt.Errorf("automation: alert event %d: %w", ev.Seq, err)
		}
	}
	return done, nil
}

// alertMatch is an alert-trigger rule whose conditions held for an alert (or could not be
// evaluated: err).
type alertMatch struct {
	rule *sentinel.AutomationRule
	err  error
}

// alertRules returns the workspace's alert-trigger rules that run on the alert, in order.
func alertRules(tx *simulator.TenantTx, ev sentinel.AlertEvent) ([]alertMatch, error) {
	if ok, err := sentinel.IsOnboarded(tx, ev.Workspace); err != nil || !ok {
		return nil, err
	}
	rules, err := sentinel.AutomationRules(tx, ev.Workspace)
	if err != nil {
		return nil, err
	}
	var out []alertMatch
	as := sentinel.IncidentEvent{Kind: sentinel.EventCreated, At: ev.At}
	for i := range rules {
		r := &rules[i]
		tl := r.Properties.TriggeringLogic
		if tl == nil || tl.TriggersOn == nil || *tl.TriggersOn != "Alerts" || !enabledAt(r, ev.At, sentinel.EventCreated) {
			continue
		}
		s := &subject{ev: as, cur: sentinel.IncidentState{RelatedAnalyticRuleIDs: []string{ev.RuleID}},
			entities: func() ([]sentinel.Entity, error) { return nil, nil },
			details:  func() (map[string][]string, error) { return nil, nil }}
		ok, err := s.all(tl.Conditions)
		if ok || err != nil {
			out = append(out, alertMatch{r, err})
		}
	}
	return out, nil
}

// runAlertRules runs the workspace's alert-trigger rules on one alert.
func runAlertRules(tx *simulator.TenantTx, ev sentinel.AlertEvent) ([]*report, error) {
	matches, err := alertRules(tx, ev)
	if err != nil {
		return nil, err
	}
	var reports []*report
	for _, m := range matches {
		r := m.rule
		name := r.Name
		if r.Properties.DisplayName != nil {
			name = *r.Properties.DisplayName
		}
		rep := &report{ruleID: r.ID, ruleName: name, trigger: sentinel.EventCreated, triggeredOn: "Alert"}
		reports = append(reports, rep)
		if m.err != nil {
			rep.conditionsFailed = true
			continue
		}
		actions := append([]sentinel.AutomationAction(nil), r.Properties.Actions...)
		sort.SliceStable(actions, func(i, j int) bool { return order(actions[i]) < order(actions[j]) })
		for _, a := range actions {
			rep.total++
			if a.ActionType == nil || *a.ActionType != "RunPlaybook" {
				rep.fail(fmt.Sprintf("Could not run action %d: alert-trigger rules can only run playbooks.", order(a)))
				continue
			}
			var p sentinel.RunPlaybook
			if json.Unmarshal(a.ActionConfiguration, &p) != nil || p.LogicAppResourceID == nil {
				rep.fail("Could not trigger playbook: Playbook ARM ID is not valid.")
				continue
			}
			if err := runAlertPlaybook(tx, ev, p, rep); err != nil {
				return nil, err
			}
		}
	}
	return reports, nil
}

// runAlertPlaybook triggers an alert-trigger playbook: the run is recorded (the lab's alert
// playbooks have no actions it models); other playbooks fail as Sentinel says.
func runAlertPlaybook(tx *simulator.TenantTx, ev sentinel.AlertEvent, cfg sentinel.RunPlaybook, rep *report) error {
	id := *cfg.LogicAppResourceID
	name := id[strings.LastIndex(id, "/")+1:]
	wf, ok, err := logicapps.GetWorkflow(tx, id)
	if err != nil {
		return err
	}
	switch {
	case !ok || (cfg.TenantID != nil && !strings.EqualFold(*cfg.TenantID, tx.Tenant().ID)):
		rep.fail(NotFoundMessage(name))
	case !strings.EqualFold(wf.Properties.State, "Enabled"):
		rep.fail(fmt.Sprintf("Could not trigger playbook: %s. The playbook was disabled.", wf.Name))
	case wf.SentinelTrigger != logicapps.TriggerAlert:
		rep.fail(UnsupportedTriggerMessage(wf.Name))
	default:
		at := tx.Now()
		run, err := logicapps.RecordRun(tx, wf, logicapps.NewRun{Trigger: "Microsoft_Sentinel_alert", Start: at, End: at.Add(PlaybookRunDuration), Status: logicapps.StatusSucceeded})
		if err != nil {
			return err
		}
		rep.ok++
		rep.playbooks = append(rep.playbooks, map[string]any{"RunId": run.Name, "WorkflowId": wf.ID})
	}
	return nil
}

// enabledAt reports whether a rule of the trigger is enabled, unexpired and existed at t.
func enabledAt(r *sentinel.AutomationRule, t time.Time, when string) bool {
	tl := r.Properties.TriggeringLogic
	if tl == nil || tl.IsEnabled == nil || !*tl.IsEnabled || tl.TriggersWhen == nil || *tl.TriggersWhen != when {
		return false
	}
	if tl.ExpirationTimeUtc != nil {
		if exp, err := time.Parse(time.RFC3339, *tl.ExpirationTimeUtc); err == nil && !exp.After(t) {
			return false
		}
	}
	if created, err := time.Parse(time.RFC3339, r.Properties.CreatedTimeUtc); err == nil && created.After(t) {
		return false
	}
	return true
}
