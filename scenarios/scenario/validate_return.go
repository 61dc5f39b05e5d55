package scenario

import (
	"fmt"
	"time"
)

// attackReturn checks the attacker's return: after the attack window, before the day ends,
// attempts of known kinds, users, apps and addresses, credentials naming earlier steps, and a
// follow-up that starts after every attempt of the victim.
func (v *validator) attackReturn(a *Attack, day time.Time) {
	r := a.Return
	if r == nil {
		return
	}
	f, p := FileAttack, "return"
	if !stepIDRE.MatchString(r.ID) {
		v.errf(f, p+".id", "%q is not a lower-case-dashed id", r.ID)
	}
	for _, s := range a.Steps {
		if s.ID == r.ID {
			v.errf(f, p+".id", "%q is also a step id", r.ID)
		}
	}
	if MitreTechniques[r.Technique] == "" {
		v.errf(f, p+".technique", "unknown MITRE technique %q", r.Technique)
	}
	if r.Title == "" || r.Tactic == "" {
		v.errf(f, p, "title and tactic are required")
	}
	if len(r.Attempts) == 0 {
		v.errf(f, p+".attempts", "is empty")
	}
	dayEnd := day.Add(24 * time.Hour)
	var victimLast time.Time
	for i := range r.Attempts {
		at := &r.Attempts[i]
		ap := fmt.Sprintf("%s.attempts[%d]", p, i)
		v.attempt(f, ap, at)
		if at.At.IsZero() || day.IsZero() { // no day: attackDay's own error says so
			continue
		}
		if !at.At.After(a.End) || !at.Last().Before(dayEnd) {
			v.errf(f, ap+".at", "%s..%s is not after the attack window on the attack day", at.At.Format(time.RFC3339), at.Last().Format(time.RFC3339))
		}
		if at.Kind != AttemptSpray && at.Last().After(victimLast) {
			victimLast = at.Last()
		}
	}
	for i := range r.FollowUp {
		e := &r.FollowUp[i]
		ep := fmt.Sprintf("%s.followUp[%d]", p, i)
		v.event(f, ep, e, time.Time{}, time.Time{})
		last := e.At.Add(time.Duration(e.Repeats()-1) * e.Interval)
		if !day.IsZero() && !e.At.IsZero() && (!e.At.After(victimLast) || !last.Before(dayEnd)) {
			v.errf(f, ep+".at", "%s..%s is not after the victim's last attempt (%s) on the attack day",
				e.At.Format(time.RFC3339), last.Format(time.RFC3339), victimLast.Format(time.RFC3339))
		}
		if e.Kind == EventSignIn || e.Kind == EventSpray || e.Kind == EventAlert {
			v.errf(f, ep+".kind", "a follow-up is what the attacker does once in (keyvault, arm, blob, audit), not %s", e.Kind)
		}
	}
}

// attempt checks one attempt's fields for its kind.
func (v *validator) attempt(f, p string, a *Attempt) {
	if a.At.IsZero() {
		v.errf(f, p+".at", "is missing")
	}
	if !v.apps[a.App] {
		v.errf(f, p+".app", "unknown app %q", a.App)
	}
	if !RiskLevels[a.Risk] {
		v.errf(f, p+".risk", "unknown risk level %q", a.Risk)
	}
	switch a.Kind {
	case AttemptSession, AttemptPassword:
		if !v.users[a.User] {
			v.errf(f, p+".user", "unknown user %q", a.User)
		}
		v.ip(f, p+".ip", a.IP)
		if len(a.Users) > 0 || len(a.IPs) > 0 || a.Every != "" {
			v.errf(f, p, "users, ips and every are for a spray")
		}
		if !v.steps[a.Credential] {
			v.errf(f, p+".credential", "%q is not an attack step", a.Credential)
		}
	case AttemptSpray:
		if a.User != "" || a.IP != "" || a.Credential != "" {
			v.errf(f, p, "a spray has users and ips, and no credential")
		}
		if len(a.Users) == 0 || len(a.IPs) == 0 {
			v.errf(f, p, "a spray needs users and ips")
		}
		for j, u := range a.Users {
			if !v.users[u] {
				v.errf(f, fmt.Sprintf("%s.users[%d]", p, j), "unknown user %q", u)
			}
		}
		for j, ip := range a.IPs {
			v.ip(f, fmt.Sprintf("%s.ips[%d]", p, j), ip)
		}
		a.Interval = DefaultInterval
		if a.Every != "" {
			d, err := time.ParseDuration(a.Every)
			if err != nil || d <= 0 {
				v.errf(f, p+".every", "%q is not a positive duration", a.Every)
			} else {
				a.Interval = d
			}
		}
	default:
		v.errf(f, p+".kind", "unknown attempt kind %q (session, password, spray)", a.Kind)
	}
}
