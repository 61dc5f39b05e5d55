package xdr

import (
	"net/netip"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/generate"
	"github.com/soclab/soclab/scenarios/scenario"
	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
)

// DetectionDelay is how long after the activity a Defender product's alert shows in Defender XDR
// (it is also the longest ingestion delay of AlertInfo, so advanced hunting already has the row).
const DetectionDelay = 90 * time.Second

// scenarioAlerts are the Defender products' alerts of the launched attack and of its replays,
// in time order, each due DetectionDelay after its event.
func scenarioAlerts(s *scenario.Scenario, t simulator.Tenant, attack logs.AttackState) []Alert {
	if !attack.Launched {
		return nil
	}
	var out []Alert
	add := func(step *scenario.Step, e scenario.Event) {
		if e.Kind == scenario.EventAlert {
			out = append(out, alertOf(s, t, step, &e))
		}
	}
	for i := range s.Attack.Steps {
		st := &s.Attack.Steps[i]
		for _, e := range st.Events {
			add(st, e)
		}
	}
	for _, r := range attack.Replays {
		steps := replaySteps(s, r.Step)
		first := time.Time{}
		for _, st := range steps {
			for _, e := range st.Events {
				if first.IsZero() || e.At.Before(first) {
					first = e.At
				}
			}
		}
		shift := r.At.Sub(first)
		for _, st := range steps {
			for _, e := range st.Events {
				e.At = e.At.Add(shift)
				add(st, e)
			}
		}
	}
	return out
}

// replaySteps are the steps a replay of step plays, as generate.ReplayStep plays them.
func replaySteps(s *scenario.Scenario, stepID string) []*scenario.Step {
	step, ok := s.Step(stepID)
	if !ok {
		return nil
	}
	var out []*scenario.Step
	for _, id := range step.ReplayWith {
		if before, ok := s.Step(id); ok {
			out = append(out, before)
		}
	}
	return append(out, step)
}

// alertOf is the Defender alert of a scenario alert event, with the id its AlertInfo row has.
func alertOf(s *scenario.Scenario, t simulator.Tenant, step *scenario.Step, e *scenario.Event) Alert {
	tenantID := strings.ToLower(t.ID)
	prod := products[e.Service]
	det := detectorOf(e.Title, prod.ServiceSource)
	id := generate.AlertID(tenantID, e)
	at := e.At.UTC()
	a := Alert{
		ID: id, ProviderAlertID: id, Status: "new", Severity: strings.ToLower(e.Severity),
		ServiceSource: prod.ServiceSource, DetectionSource: det.DetectionSource, ProductName: prod.ProductName,
		DetectorID: det.ID, Title: e.Title, Description: det.Description, Recommended: det.Recommended,
		Category: e.Category, MitreTechniques: []string{step.Technique},
		Created: at.Add(DetectionDelay), LastUpdate: at.Add(DetectionDelay), FirstActivity: at, LastActivity: at,
		Comments: []Comment{},
	}
	if e.User != "" {
		upn := e.User + "@" + s.Tenant.Domain
		a.Entities = append(a.Entities, Entity{Kind: EntityUser, UPN: upn, ObjectID: generate.UserObjectID(tenantID, upn),
			DisplayName: displayName(s, e.User), Role: "impacted"})
	}
	ips := e.IPs
	if e.IP != "" {
		ips = append([]string{e.IP}, ips...)
	}
	for _, ip := range ips {
		ent := Entity{Kind: EntityIP, Address: ip, Role: "related"}
		if pl, ok := placeOf(s, ip); ok {
			ent.Country, ent.City, ent.ASN = pl.Country, pl.City, pl.ASN
		}
		a.Entities = append(a.Entities, ent)
	}
	for _, name := range e.Resources {
		id, _ := generate.ResourceID(s, strings.ToLower(t.Subscription.ID), name)
		a.Entities = append(a.Entities, Entity{Kind: EntityResource, ResourceID: id, Name: name, Type: resourceType(s, name), Role: "impacted"})
	}
	return a
}

func displayName(s *scenario.Scenario, user string) string {
	for _, p := range s.Cast.People {
		if p.User == user {
			return strings.TrimSpace(p.GivenName + " " + p.Surname)
		}
	}
	return user
}

func placeOf(s *scenario.Scenario, ip string) (*scenario.Place, bool) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return nil, false
	}
	for i := range s.Places {
		if pr, err := netip.ParsePrefix(s.Places[i].CIDR); err == nil && pr.Contains(addr) {
			return &s.Places[i], true
		}
	}
	return nil, false
}

func resourceType(s *scenario.Scenario, name string) string {
	for _, rg := range s.Cast.ResourceGroups {
		for _, r := range rg.Resources {
			if r.Name == name {
				return r.Type
			}
		}
	}
	return ""
}
