package grader

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator/sentinel"
)

// stepSlack widens a step's span when matching an alert's activity to it (event times are
// generated at second precision; an alert's span is its rows' TimeGenerated).
const stepSlack = time.Minute

// occurrence is one time an attack step happened: in the scenario's attack, or replayed.
type occurrence struct {
	step       *scenario.Step
	start, end time.Time
	replay     bool
}

// stepSpan is the first and last instant of a step's events.
func stepSpan(st *scenario.Step) (first, last time.Time) {
	for _, e := range st.Events {
		n := max(e.Count, len(e.Secrets), len(e.Blobs), len(e.Operations), 1)
		end := e.At.Add(time.Duration(n-1) * e.Interval)
		if first.IsZero() || e.At.Before(first) {
			first = e.At
		}
		if end.After(last) {
			last = end
		}
	}
	return first, last
}

// occurrences are the times the named steps (none: every step) happened so far: the
// scenario's own once its time has come, and each replay that played them.
func (ev *evaluation) occurrences(steps []string) []occurrence {
	s := ev.g.engine.Scenario()
	want := func(id string) bool {
		if len(steps) == 0 {
			return true
		}
		for _, w := range steps {
			if strings.EqualFold(w, id) {
				return true
			}
		}
		return false
	}
	var out []occurrence
	for _, si := range ev.snap.Attack.Steps {
		st, ok := s.Step(si.ID)
		if !ok || !si.Played || !want(si.ID) {
			continue
		}
		a, b := stepSpan(st)
		out = append(out, occurrence{step: st, start: a, end: b})
	}
	for _, r := range ev.snap.Attack.State.Replays {
		st, ok := s.Step(r.Step)
		if !ok {
			continue
		}
		played := []*scenario.Step{}
		for _, id := range st.ReplayWith {
			if w, ok := s.Step(id); ok {
				played = append(played, w)
			}
		}
		played = append(played, st)
		var first time.Time
		for _, p := range played {
			if a, _ := stepSpan(p); first.IsZero() || a.Before(first) {
				first = a
			}
		}
		shift := r.At.Sub(first)
		for _, p := range played {
			if !want(p.ID) {
				continue
			}
			a, b := stepSpan(p)
			out = append(out, occurrence{step: p, start: a.Add(shift), end: b.Add(shift), replay: true})
		}
	}
	return out
}

// attackActors are the accounts (UPN local parts) and networks of the attack: an alert about
// the attack names only these.
type attackActors struct {
	accounts map[string]bool
	nets     []netip.Prefix
	addrs    map[string]bool
}

func actorsOf(s *scenario.Scenario) attackActors {
	a := attackActors{accounts: map[string]bool{strings.ToLower(s.Attack.Victim): true}, addrs: map[string]bool{}}
	for _, pl := range s.Places {
		if pl.ID == s.Attack.Place {
			if p, err := netip.ParsePrefix(pl.CIDR); err == nil {
				a.nets = append(a.nets, p)
			}
		}
	}
	for _, st := range s.Attack.Steps {
		for _, e := range st.Events {
			for _, u := range append([]string{e.User, e.Target.User, e.ServicePrincipal}, e.Users...) {
				if u != "" {
					a.accounts[strings.ToLower(u)] = true
				}
			}
			for _, ip := range append([]string{e.IP}, e.IPs...) {
				if ip != "" {
					a.addrs[ip] = true
				}
			}
		}
	}
	return a
}

// classify says whether an alert's entities name the attack (some entity is the attacker's)
// and whether they also name others (an account or address that is not the attack's).
func (a attackActors) classify(entities []string) (names bool, other string) {
	for _, e := range entities {
		kind, v, _ := strings.Cut(e, ":")
		var ours bool
		switch kind {
		case "Account":
			local, _, _ := strings.Cut(strings.ToLower(v), "@")
			ours = a.accounts[local]
		case "Ip":
			ours = a.addrs[v]
			if ip, err := netip.ParseAddr(v); err == nil {
				for _, n := range a.nets {
					ours = ours || n.Contains(ip)
				}
			}
		default:
			continue // resources and hosts are shared by the attacker and everyone else
		}
		if ours {
			names = true
		} else if other == "" {
			other = v
		}
	}
	return names, other
}

// ruleCreated is when a rule was created (its last change when the store has no creation time).
func ruleCreated(r *sentinel.AlertRule) time.Time {
	if r.SystemData != nil {
		if t, err := time.Parse(time.RFC3339Nano, r.SystemData.CreatedAt); err == nil {
			return t.UTC()
		}
	}
	t, _ := time.Parse(time.RFC3339Nano, r.Properties.LastModifiedUtc)
	return t.UTC()
}

// ruleFired passes when the rule raised an alert about an attack step it is meant to catch:
// the alert's activity lies within an occurrence of the step that happened while the rule
// existed, and its accounts and addresses are the attacker's only. Otherwise it says why the
// alerts do not count, or whether the rule ran.
func (ev *evaluation) ruleFired(c *RuleRef) (bool, string, error) {
	rule, why := ev.rule(c.Rule)
	if rule == nil {
		return false, why, nil
	}
	ws := ev.workspace()
	s := ev.g.engine.Scenario()
	occ := ev.occurrences(c.Steps)
	if c.Replayed {
		replays := occ[:0:0]
		for _, o := range occ {
			if o.replay {
				replays = append(replays, o)
			}
		}
		occ = replays
	}
	actors := actorsOf(s)
	created := ruleCreated(rule)
	modified, _ := time.Parse(time.RFC3339Nano, rule.Properties.LastModifiedUtc)
	var (
		changedSince                time.Time
		n, unrelated, mixed, before int
		first                       time.Time
		otherName                   string
		pastStep                    *occurrence
	)
	for _, a := range ws.Alerts {
		if !strings.EqualFold(a.RuleID, rule.ID) {
			continue
		}
		start, err1 := time.Parse(time.RFC3339Nano, a.StartTime)
		end, err2 := time.Parse(time.RFC3339Nano, a.EndTime)
		names, other := actors.classify(a.Entities)
		var hit *occurrence
		for i, o := range occ {
			// The alert's activity lies within the step: an alert whose rows also reach
			// before or after it reports other activity too.
			if err1 == nil && err2 == nil && !start.Before(o.start.Add(-stepSlack)) && !end.After(o.end.Add(stepSlack)) {
				hit = &occ[i]
				if !created.After(o.start) {
					break
				}
			}
		}
		switch {
		case hit == nil || !names:
			unrelated++
		case other != "":
			mixed++
			if otherName == "" || other < otherName { // alerts are listed by id: name one stably
				otherName = other
			}
		case created.After(hit.start):
			before++
			pastStep = hit
		case modified.After(hit.start) && alertRaised(a).After(modified):
			// Raised by a version of the rule changed after the step: its look-back, not a
			// detection by the rule that was in place.
			before++
			pastStep, changedSince = hit, modified
		default:
			if n == 0 || start.Before(first) {
				first = start
			}
			n++
		}
	}
	plain := stepTitles(s, c.Steps)
	steps := plain
	if c.Replayed {
		steps = "replays of " + plain
	}
	switch {
	case n > 0:
		if id, ok, err := ev.queryCheckOf(rule.Name); err != nil {
			return false, "", err
		} else if !ok {
			return false, fmt.Sprintf("%d alert(s) about %s, but the rule's query fails its own check (%s): alerts of a query "+
				"that also returns other activity, or misses the attack played differently, are luck, not detection", n, steps, id), nil
		}
		return true, fmt.Sprintf("%d alert(s) about %s, the earliest about activity from %s", n, steps, stamp(first)), nil
	case before > 0 && !changedSince.IsZero():
		return false, fmt.Sprintf("its %d alert(s) are about %s at %s, before the rule's current version (changed %s): its runs "+
			"after the change looked back over its query period and reported activity from the past, which the rule in place "+
			"then did not detect (replay the step with `soclab attack replay %s`)",
			before, pastStep.step.ID, stamp(pastStep.start), stamp(changedSince), pastStep.step.ID), nil
	case before > 0:
		return false, fmt.Sprintf("its %d alert(s) are about %s at %s, before the rule existed (created %s): Sentinel runs a new "+
			"scheduled rule at once over its query period, so it reported activity from the past, which is not detecting it "+
			"(create the rule before the attack, or replay the step with `soclab attack replay %s`)",
			before, pastStep.step.ID, stamp(pastStep.start), stamp(created), pastStep.step.ID), nil
	case mixed > 0:
		return false, fmt.Sprintf("%d alert(s) about the time of %s also name %s, who is not the attacker: the alerts are not about "+
			"the attack step (a rule must return the attacker's rows, not whatever rows the window holds)", mixed, steps, otherName), nil
	case unrelated > 0:
		return false, fmt.Sprintf("%d alert(s) from this rule, none about %s (activity within the step, naming the attacker's account or addresses)",
			unrelated, steps), nil
	case len(occ) == 0 && c.Replayed:
		return false, fmt.Sprintf("no alert from this rule about a replay: %s have not been replayed yet (after the repair, `soclab attack replay %s`)",
			plain, c.Steps[0]), nil
	case len(occ) == 0:
		return false, fmt.Sprintf("no alert from this rule; %s have not been played yet (launch the attack)", steps), nil
	}
	runs, failures, err := ev.healthRuns(ws, rule.ID)
	if err != nil {
		return false, "", err
	}
	switch {
	case runs < 0:
		return false, "no alert from this rule; the workspace has no SentinelHealth table, so whether the rule ran cannot be told", nil
	case runs == 0:
		return false, "no alert from this rule, and no run of it recorded yet (no SentinelHealth row)", nil
	case failures > 0:
		return false, fmt.Sprintf("no alert from this rule: it ran %d time(s), %d of them failed (see SentinelHealth)", runs, failures), nil
	}
	return false, fmt.Sprintf("no alert from this rule: it ran %d time(s) and never matched", runs), nil
}

// stepTitles names the steps a check is about ("the attack" for all of them).
func stepTitles(s *scenario.Scenario, steps []string) string {
	if len(steps) == 0 {
		return "the attack"
	}
	var ids []string
	for _, id := range steps {
		if _, ok := s.Step(id); ok {
			ids = append(ids, id)
		}
	}
	return "the attack step(s) " + strings.Join(ids, ", ")
}

// queryCheckOf judges the rule's query by the ruleQuery check about the same rule (its verdict
// is cached), and names that check; ok when there is none.
func (ev *evaluation) queryCheckOf(rule string) (id string, ok bool, err error) {
	for _, c := range ev.g.checks.Checks {
		if c.RuleQuery != nil && strings.EqualFold(c.RuleQuery.Rule, rule) {
			ok, _, err := ev.ruleQuery(c.RuleQuery)
			return c.ID, ok, err
		}
	}
	return "", true, nil
}

// alertRaised is when an alert was raised (zero when unknown, which counts as before any change).
func alertRaised(a AlertInfo) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, a.TimeGenerated)
	return t
}
