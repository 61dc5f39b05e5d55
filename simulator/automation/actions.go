package automation

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
)

// apply runs a rule's actions in their order; each change is recorded as made by the rule.
func (e *Engine) apply(tx *simulator.TenantTx, r *sentinel.AutomationRule, ev sentinel.IncidentEvent, by sentinel.Actor, rc run, rep *report) error {
	actions := append([]sentinel.AutomationAction(nil), r.Properties.Actions...)
	sort.SliceStable(actions, func(i, j int) bool { return order(actions[i]) < order(actions[j]) })
	for _, a := range actions {
		typ := ""
		if a.ActionType != nil {
			typ = *a.ActionType
		}
		var err error
		triggered := true
		rep.total++
		switch typ {
		case "ModifyProperties":
			var m sentinel.ModifyProperties
			if err = json.Unmarshal(a.ActionConfiguration, &m); err == nil {
				err = e.modify(tx, ev.IncidentID, m, by, rc.owners)
			}
		case "AddIncidentTask":
			var t sentinel.AddIncidentTask
			if err = json.Unmarshal(a.ActionConfiguration, &t); err == nil && t.Title != nil {
				_, err = sentinel.AddTask(tx, ev.IncidentID, *t.Title, deref(t.Description), by)
			}
		case "RunPlaybook":
			var p sentinel.RunPlaybook
			if err = json.Unmarshal(a.ActionConfiguration, &p); err == nil && p.LogicAppResourceID != nil {
				triggered, err = e.runPlaybook(tx, ev, p, by, rc.results, rep)
			}
		}
		if err != nil {
			return fmt.Errorf("%s: %s action: %w", by.Name, typ, err)
		}
		if triggered {
			rep.ok++
		}
	}
	return nil
}

func order(a sentinel.AutomationAction) int {
	if a.Order == nil {
		return 0
	}
	return *a.Order
}

// modify applies a ModifyProperties action: the given severity, status (reopening clears the
// classification), classification with reason and comment, owner, and labels added.
func (e *Engine) modify(tx *simulator.TenantTx, incidentID string, m sentinel.ModifyProperties, by sentinel.Actor, owners OwnerLookup) error {
	var owner *sentinel.Owner
	if m.Owner != nil {
		var err error
		if owner, err = completeOwner(tx, *m.Owner, owners); err != nil {
			return err
		}
	}
	_, err := sentinel.UpdateIncidentAs(tx, incidentID, by, func(inc *sentinel.Incident) error {
		p := &inc.Properties
		if m.Severity != nil {
			p.Severity = ptr(*m.Severity)
		}
		if m.Status != nil {
			p.Status = ptr(*m.Status)
			if *m.Status != "Closed" {
				p.Classification, p.ClassificationReason, p.ClassificationComment = nil, nil, nil
			}
		}
		if m.Classification != nil {
			p.Classification, p.ClassificationReason, p.ClassificationComment = ptr(*m.Classification), clone(m.ClassificationReason), clone(m.ClassificationComment)
		}
		if owner != nil {
			p.Owner = owner
		}
		for _, l := range m.Labels {
			if !hasLabel(p.Labels, l.LabelName) {
				p.Labels = append(p.Labels, sentinel.IncidentLabel{LabelName: l.LabelName, LabelType: "User"})
			}
		}
		return nil
	})
	return err
}

// completeOwner completes an owner block as Sentinel does: what the rule gives is kept; an
// objectId the directory knows fills in the rest (a group's id makes a Group owner); without a
// directory an id is a User, and no id is Unknown.
func completeOwner(tx *simulator.TenantTx, o sentinel.Owner, owners OwnerLookup) (*sentinel.Owner, error) {
	out := sentinel.Owner{ObjectID: clone(o.ObjectID), Email: clone(o.Email), AssignedTo: clone(o.AssignedTo),
		UserPrincipalName: clone(o.UserPrincipalName), OwnerType: clone(o.OwnerType)}
	if out.ObjectID != nil && owners != nil {
		d, ok, err := owners(tx, *out.ObjectID)
		if err != nil {
			return nil, fmt.Errorf("owner %s: %w", *out.ObjectID, err)
		}
		if ok {
			fill := func(dst **string, src *string) {
				if *dst == nil && src != nil {
					*dst = clone(src)
				}
			}
			fill(&out.OwnerType, d.OwnerType)
			fill(&out.AssignedTo, d.AssignedTo)
			fill(&out.UserPrincipalName, d.UserPrincipalName)
			fill(&out.Email, d.Email)
		}
	}
	if out.OwnerType == nil {
		t := "Unknown"
		if out.ObjectID != nil {
			t = "User"
		}
		out.OwnerType = &t
	}
	return &out, nil
}

func hasLabel(ls []sentinel.IncidentLabel, name string) bool {
	for _, l := range ls {
		if strings.EqualFold(l.LabelName, name) {
			return true
		}
	}
	return false
}

// customDetails collects the custom details of an incident's alerts (the "Custom Details"
// JSON of each alert's additionalData: key → values).
func customDetails(tx *simulator.TenantTx, incidentID string) (map[string][]string, error) {
	alerts, err := sentinel.IncidentAlerts(tx, incidentID)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, a := range alerts {
		extra, _ := a.Properties["additionalData"].(map[string]any)
		raw, _ := extra["Custom Details"].(string)
		if raw == "" {
			continue
		}
		var d map[string]any
		if json.Unmarshal([]byte(raw), &d) != nil {
			continue
		}
		for k, v := range d {
			switch vs := v.(type) {
			case []any:
				for _, x := range vs {
					out[k] = append(out[k], fmt.Sprint(x))
				}
			default:
				out[k] = append(out[k], fmt.Sprint(vs))
			}
		}
	}
	return out, nil
}

func ptr[T any](v T) *T { return &v }

func clone(p *string) *string {
	if p == nil {
		return nil
	}
	return ptr(*p)
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
