package xdr

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
)

// CorrelationWindow is how far apart in activity time alerts sharing an entity may be and still
// join one incident.
const CorrelationWindow = 24 * time.Hour

// open reports whether an incident still takes alerts.
func (inc Incident) open() bool {
	return inc.Status != "resolved" && inc.Status != "redirected"
}

// correlate stores a new alert and puts it into an incident: the open incident sharing an entity
// within CorrelationWindow, merging every other such incident into the oldest one; else a new
// incident, all as of now. It returns the incident's id.
func correlate(tx *simulator.TenantTx, p *progress, a Alert, now time.Time) (int, error) {
	incs, err := Incidents(tx)
	if err != nil {
		return 0, err
	}
	keys := map[string]bool{}
	for _, e := range a.Entities {
		if k := e.Key(); k != "" {
			keys[k] = true
		}
	}
	var hits []Incident
	for _, inc := range incs {
		if !inc.open() || a.FirstActivity.Sub(inc.LastActivity) > CorrelationWindow || inc.FirstActivity.Sub(a.LastActivity) > CorrelationWindow {
			continue
		}
		for _, k := range inc.EntityKeys {
			if keys[k] {
				hits = append(hits, inc)
				break
			}
		}
	}
	var target Incident
	if len(hits) == 0 {
		id := p.LastID + 1
		if id < FirstIncidentID {
			id = FirstIncidentID
		}
		p.LastID = id
		target = Incident{ID: id, Created: now, Status: "active", CustomTags: []string{}, SystemTags: []string{},
			Comments: []Comment{}, LastModifiedBy: "Microsoft 365 Defender"}
	} else {
		sort.Slice(hits, func(i, j int) bool { return hits[i].ID < hits[j].ID })
		target = hits[0]
	}
	a.IncidentID = target.ID
	target.AlertIDs = append(target.AlertIDs, a.ID)
	if err := putAlert(tx, a); err != nil {
		return 0, err
	}
	for _, other := range hits[min(1, len(hits)):] {
		if err := merge(tx, &target, other, now); err != nil {
			return 0, err
		}
	}
	if err := refresh(tx, &target, now); err != nil {
		return 0, err
	}
	return target.ID, putIncident(tx, target)
}

// merge moves every alert of from into into and marks from redirected to it.
func merge(tx *simulator.TenantTx, into *Incident, from Incident, now time.Time) error {
	for _, id := range from.AlertIDs {
		a, ok, err := AlertByID(tx, id)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		a.IncidentID, a.LastUpdate = into.ID, now
		if err := putAlert(tx, a); err != nil {
			return err
		}
		into.AlertIDs = append(into.AlertIDs, id)
	}
	from.AlertIDs, from.EntityKeys = []string{}, []string{}
	from.Status, from.RedirectIncidentID, from.LastUpdate = "redirected", into.ID, now
	from.LastModifiedBy = "Microsoft 365 Defender"
	return putIncident(tx, from)
}

// MoveAlerts merges incident from into incident into (as Defender's correlation does later,
// or an analyst linking alerts): from's alerts move and from becomes redirected.
func MoveAlerts(tx *simulator.TenantTx, from, into int) error {
	src, ok, err := IncidentByID(tx, from)
	if err != nil || !ok {
		return fmt.Errorf("xdr: merge: incident %d: not found (%v)", from, err)
	}
	dst, ok, err := IncidentByID(tx, into)
	if err != nil || !ok || from == into {
		return fmt.Errorf("xdr: merge: incident %d: not found or the same (%v)", into, err)
	}
	now := tx.Now()
	if err := merge(tx, &dst, src, now); err != nil {
		return err
	}
	if err := refresh(tx, &dst, now); err != nil {
		return err
	}
	return putIncident(tx, dst)
}

// refresh recomputes an incident's summary from its alerts: severity (the highest), name,
// entities, activity span.
func refresh(tx *simulator.TenantTx, inc *Incident, now time.Time) error {
	alerts, err := IncidentAlerts(tx, *inc)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	inc.EntityKeys = inc.EntityKeys[:0]
	sev := ""
	for i, a := range alerts {
		if SeverityRank(a.Severity) > SeverityRank(sev) {
			sev = a.Severity
		}
		if i == 0 || a.FirstActivity.Before(inc.FirstActivity) {
			inc.FirstActivity = a.FirstActivity
		}
		if i == 0 || a.LastActivity.After(inc.LastActivity) {
			inc.LastActivity = a.LastActivity
		}
		for _, e := range a.Entities {
			if k := e.Key(); k != "" && !seen[k] {
				seen[k] = true
				inc.EntityKeys = append(inc.EntityKeys, k)
			}
		}
	}
	if sev == "" {
		sev = "informational"
	}
	inc.Severity, inc.DisplayName, inc.LastUpdate = sev, Name(alerts), now
	inc.Description = ""
	return nil
}

// killChain orders MITRE tactics (alert categories) as Defender lists them.
var killChain = []string{"Reconnaissance", "ResourceDevelopment", "InitialAccess", "Execution", "Persistence",
	"PrivilegeEscalation", "DefenseEvasion", "CredentialAccess", "Discovery", "LateralMovement", "Collection",
	"CommandAndControl", "Exfiltration", "Impact"}

// Name names an incident as Defender XDR does from its alerts: one alert → "<title> involving
// one user"; several alerts of one category → "Multi-stage incident involving <Category>
// involving one user reported by multiple sources"; several categories → "Multi-stage incident involving <A> & <B> involving
// one user reported by multiple sources", A and B the first two stages of the kill chain the
// alerts cover (the lab's rule; Defender does not document how it picks them). "reported by multiple sources" appears when the alerts come from more than
// one service; the scope names users (one / multiple).
func Name(alerts []Alert) string {
	if len(alerts) == 0 {
		return "Empty incident"
	}
	users, sources, counts := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, a := range alerts {
		sources[a.ServiceSource] = true
		if a.Category != "" {
			counts[a.Category] = true
		}
		for _, e := range a.Entities {
			if e.Kind == EntityUser {
				users[strings.ToLower(e.UPN)] = true
			}
		}
	}
	scope := ""
	switch {
	case len(users) == 1:
		scope = " involving one user"
	case len(users) > 1:
		scope = " involving multiple users"
	}
	if len(sources) > 1 {
		scope += " reported by multiple sources"
	}
	if len(alerts) == 1 {
		return alerts[0].Title + scope
	}
	cats := make([]string, 0, len(counts))
	for c := range counts {
		cats = append(cats, c)
	}
	sort.Slice(cats, func(i, j int) bool { return chainIndex(cats[i]) < chainIndex(cats[j]) })
	if len(cats) == 0 {
		return alerts[0].Title + scope
	}
	if len(cats) == 1 {
		return "Multi-stage incident involving " + tacticName(cats[0]) + scope
	}
	return "Multi-stage incident involving " + tacticName(cats[0]) + " & " + tacticName(cats[1]) + scope
}

func chainIndex(c string) int {
	for i, k := range killChain {
		if strings.EqualFold(k, c) {
			return i
		}
	}
	return len(killChain)
}

// tacticName writes "InitialAccess" as "Initial access".
func tacticName(c string) string {
	var b strings.Builder
	for i, r := range c {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
