package detect

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/logs"
	"github.com/soclab/soclab/simulator/sentinel"
)

// commit stores a run's alerts and makes or joins incidents, in one transaction stamped with
// the run's time, and collects their SecurityAlert/SecurityIncident rows. It returns the number
// of incidents created.
func (e *Engine) commit(tenantID string, r ruleRun, drafts []draft, out *output) (int, error) {
	var alertRows, incRows []logs.Row
	var groups []group
	created := 0
	err := e.world.UpdateAt(tenantID, r.at, func(tx *simulator.TenantTx) error {
		alertRows, incRows, created = nil, nil, 0
		groups = append([]group(nil), r.st.Groups...)
		for _, d := range drafts {
			ext := extendedProperties(r, d, d.rows)
			alert, err := sentinel.CreateAlert(tx, r.ws.id, newAlert(r, d, ext))
			if err != nil {
				return err
			}
			alertRows = append(alertRows, alertRow(r, d, alert, ext))
			if !r.rule.CreatesIncidents() {
				continue
			}
			incID, isNew, err := placeAlert(tx, r, d, alert.ID, &groups)
			if err != nil {
				return err
			}
			if isNew {
				created++
			}
			row, err := incidentRow(tx, r, incID)
			if err != nil {
				return err
			}
			incRows = append(incRows, row)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("detect: rule %s at %s: %w", r.rule.Name, r.at.Format(time.RFC3339), err)
	}
	r.st.Groups = groups
	out.alerts = append(out.alerts, alertRows...)
	out.incidents = append(out.incidents, incRows...)
	return created, nil
}

// placeAlert puts an alert into an incident: an open incident of the same rule with the same
// grouping key inside the look-back when grouping is on, else a new incident.
func placeAlert(tx *simulator.TenantTx, r ruleRun, d draft, alertID string, groups *[]group) (string, bool, error) {
	gc := groupingOf(*r.rule)
	if gc != nil {
		lookback, err := sentinel.ParseDuration(strOr(gc.LookbackDuration, sentinel.DefaultLookback))
		if err != nil || lookback <= 0 {
			lookback = 5 * time.Hour
		}
		kept := (*groups)[:0]
		for _, g := range *groups {
			if r.at.Sub(g.Created) <= lookback {
				kept = append(kept, g)
			}
		}
		*groups = kept
		key := groupKey(gc, d)
		for i := len(kept) - 1; i >= 0; i-- {
			g := &kept[i]
			if g.Key != key || g.Alerts >= MaxAlertsPerIncident {
				continue
			}
			inc, ok, err := sentinel.IncidentByID(tx, g.Incident)
			if err != nil {
				return "", false, err
			}
			if !ok {
				continue
			}
			if strOr(inc.Properties.Status, "") == "Closed" {
				if gc.ReopenClosedIncident == nil || !*gc.ReopenClosedIncident {
					continue
				}
				if _, err := sentinel.UpdateIncident(tx, g.Incident, reopen); err != nil {
					return "", false, err
				}
			}
			if err := sentinel.AttachAlert(tx, g.Incident, alertID); err != nil {
				return "", false, err
			}
			if _, err := sentinel.UpdateIncident(tx, g.Incident, func(*sentinel.Incident) error { return nil }); err != nil {
				return "", false, err
			}
			g.Alerts++
			return g.Incident, false, nil
		}
		inc, err := newIncident(tx, r, d, alertID)
		if err != nil {
			return "", false, err
		}
		*groups = append(*groups, group{Incident: inc.ID, Created: r.at, Key: key, Alerts: 1})
		return inc.ID, true, nil
	}
	inc, err := newIncident(tx, r, d, alertID)
	if err != nil {
		return "", false, err
	}
	return inc.ID, true, nil
}

func reopen(inc *sentinel.Incident) error {
	active := "Active"
	inc.Properties.Status = &active
	inc.Properties.Classification, inc.Properties.ClassificationReason, inc.Properties.ClassificationComment = nil, nil, nil
	return nil
}

// newIncident creates an incident for an alert: title and severity of the alert, the rule's
// description.
func newIncident(tx *simulator.TenantTx, r ruleRun, d draft, alertID string) (sentinel.Incident, error) {
	return sentinel.CreateIncident(tx, r.ws.id, sentinel.NewIncident{
		Title: d.name, Severity: d.severity, Description: strOr(r.rule.Properties.Description, ""),
	}, alertID)
}

// groupingOf returns the rule's grouping configuration when grouping is enabled.
func groupingOf(rule sentinel.AlertRule) *sentinel.GroupingConfiguration {
	ic := rule.Properties.IncidentConfiguration
	if ic == nil || ic.GroupingConfiguration == nil {
		return nil
	}
	gc := ic.GroupingConfiguration
	if gc.Enabled == nil || !*gc.Enabled {
		return nil
	}
	return gc
}

// groupKey is what alerts must share to join one incident under the matching method.
func groupKey(gc *sentinel.GroupingConfiguration, d draft) string {
	var parts []string
	switch strOr(gc.MatchingMethod, "AllEntities") {
	case "AnyAlert":
		return ""
	case "Selected":
		for _, t := range gc.GroupByEntities {
			for _, e := range d.entities {
				if strings.EqualFold(e.mapType, t) {
					parts = append(parts, e.key)
				}
			}
		}
		for _, a := range gc.GroupByAlertDetails {
			switch a {
			case "DisplayName":
				parts = append(parts, "name="+d.name)
			case "Severity":
				parts = append(parts, "severity="+d.severity)
			}
		}
		for _, c := range gc.GroupByCustomDetails {
			b, _ := json.Marshal(d.custom[c])
			parts = append(parts, "custom:"+c+"="+string(b))
		}
	default:
		for _, e := range d.entities {
			parts = append(parts, e.key)
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, "\n")
}

// incidentRow is the SecurityIncident row of an incident's current state.
func incidentRow(tx *simulator.TenantTx, r ruleRun, incidentID string) (logs.Row, error) {
	v, err := sentinel.SecurityIncidentValues(tx, incidentID, r.at, "Microsoft Sentinel")
	if err != nil {
		return logs.Row{}, fmt.Errorf("read incident %s: %w", incidentID, err)
	}
	return logs.Row{Workspace: r.ws.logs.Info.CustomerID, Time: r.at, Values: v}, nil
}
