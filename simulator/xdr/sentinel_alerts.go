package xdr

import (
	"fmt"
	"strings"
	"time"

	"github.com/soclab/soclab/simulator"
	"github.com/soclab/soclab/simulator/sentinel"
)

// ConnectedWorkspace is the workspace Defender XDR is connected to: onboarded, with the
// MicrosoftThreatProtection connector bringing incidents in ("" when there is none).
func ConnectedWorkspace(tx *simulator.TenantTx) (string, error) {
	ids, err := sentinel.OnboardedWorkspaces(tx)
	if err != nil {
		return "", err
	}
	for _, ws := range ids {
		conns, err := sentinel.Connectors(tx, ws)
		if err != nil {
			return "", err
		}
		for _, c := range conns {
			if c.IncidentsEnabled() {
				return ws, nil
			}
		}
	}
	return "", nil
}

// sentinelArrival is a Sentinel rule's alert waiting to join Defender XDR.
type sentinelArrival struct {
	alert    Alert
	passes   bool
	armID    string
	incident string
}

// newSentinelAlerts lists the workspace's rule alerts the engine has not considered yet, each as
// the Defender alert it becomes, with whether the settings let it through.
func newSentinelAlerts(tx *simulator.TenantTx, ws string, p progress, st Settings) ([]sentinelArrival, error) {
	mirrored := map[string]bool{}
	all, err := Alerts(tx)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		mirrored[strings.ToLower(a.SentinelAlertID)] = true
	}
	stored, err := sentinel.AlertsExcept(tx, ws, func(id string) bool {
		_, done := p.Sentinel[strings.ToLower(id)]
		return done || mirrored[strings.ToLower(id)]
	})
	if err != nil {
		return nil, err
	}
	var fresh []sentinel.StoredAlert
	for _, s := range stored {
		if s.RuleID != "" {
			fresh = append(fresh, s)
		}
	}
	if len(fresh) == 0 {
		return nil, nil
	}
	owner, err := ruleIncidents(tx, ws)
	if err != nil {
		return nil, err
	}
	out := make([]sentinelArrival, 0, len(fresh))
	for _, s := range fresh {
		ents, err := sentinel.AlertEntities(tx, s.ID)
		if err != nil {
			return nil, err
		}
		a := fromSentinel(s, ents)
		out = append(out, sentinelArrival{alert: a, passes: st.SyncEnabled && st.Passes(SentinelSeverity(a.Severity)),
			armID: s.ID, incident: owner[strings.ToLower(s.ID)]})
	}
	return out, nil
}

// ruleIncidents maps each alert (lower-case id) to the Sentinel-provider incident holding it.
func ruleIncidents(tx *simulator.TenantTx, ws string) (map[string]string, error) {
	incs, err := sentinel.Incidents(tx, ws)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, inc := range incs {
		if inc.Properties.ProviderName == ProviderName {
			continue
		}
		alerts, err := sentinel.IncidentAlerts(tx, inc.ID)
		if err != nil {
			return nil, err
		}
		for _, a := range alerts {
			out[strings.ToLower(a.ID)] = inc.ID
		}
	}
	return out, nil
}

// fromSentinel is the Defender alert of a Sentinel rule's alert (serviceSource microsoftSentinel).
func fromSentinel(s sentinel.StoredAlert, ents []sentinel.Entity) Alert {
	p := s.Properties
	str := func(k string) string { v, _ := p[k].(string); return v }
	tm := func(k string) time.Time { t, _ := time.Parse(time.RFC3339Nano, str(k)); return t.UTC() }
	list := func(k string) []string {
		var out []string
		switch v := p[k].(type) {
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		case []string:
			out = v
		}
		return out
	}
	source := "scheduledAlerts"
	if strings.Contains(str("productComponentName"), "NRT") {
		source = "nrtAlerts"
	}
	tactics := list("tactics")
	cat := ""
	if len(tactics) > 0 {
		cat = tactics[0]
	}
	rule := s.RuleID[strings.LastIndex(s.RuleID, "/")+1:]
	a := Alert{ID: "sn" + strings.ReplaceAll(s.Name, "-", ""), ProviderAlertID: s.Name, Status: "new",
		Severity: strings.ToLower(str("severity")), ServiceSource: sentinelProduct.ServiceSource, DetectionSource: source,
		ProductName: sentinelProduct.ProductName, DetectorID: rule, Title: str("alertDisplayName"), Description: str("description"),
		Category: cat, MitreTechniques: append([]string{}, list("techniques")...), Created: tm("timeGenerated"),
		LastUpdate: tm("timeGenerated"), FirstActivity: tm("startTimeUtc"), LastActivity: tm("endTimeUtc"),
		Comments: []Comment{}, SentinelAlertID: s.ID}
	for _, e := range ents {
		ep := e.Properties
		get := func(k string) string { v, _ := ep[k].(string); return v }
		switch e.Kind {
		case "Account":
			upn := get("accountName")
			if sfx := get("upnSuffix"); sfx != "" {
				upn += "@" + sfx
			}
			a.Entities = append(a.Entities, Entity{Kind: EntityUser, UPN: strings.ToLower(upn), ObjectID: get("aadUserId"), DisplayName: get("displayName"), Role: "impacted"})
		case "Ip":
			a.Entities = append(a.Entities, Entity{Kind: EntityIP, Address: get("address"), Role: "related"})
		case "AzureResource":
			id := get("resourceId")
			a.Entities = append(a.Entities, Entity{Kind: EntityResource, ResourceID: id, Name: id[strings.LastIndex(id, "/")+1:], Role: "impacted"})
		}
	}
	return a
}

// mirrorAlert writes a Defender product's alert into the workspace as a SecurityAlert entity
// (as the connector streams it) and returns the entity.
func mirrorAlert(tx *simulator.TenantTx, ws string, a Alert) (sentinel.Entity, error) {
	prod := productOf(a.ServiceSource)
	na := sentinel.NewAlert{DisplayName: a.Title, Description: a.Description, Severity: SentinelSeverity(a.Severity),
		AlertType: a.DetectorID, ProductName: prod.SentinelProduct, VendorName: "Microsoft", ProviderAlertID: a.ID,
		Tactics: nonEmpty(a.Category), Techniques: a.MitreTechniques, StartTime: a.FirstActivity, EndTime: a.LastActivity,
		ExtendedProperties: map[string]string{"ProviderName": prod.SentinelProvider, "Defender alert": a.ID}}
	for _, e := range a.Entities {
		switch e.Kind {
		case EntityUser:
			name, sfx, _ := strings.Cut(e.UPN, "@")
			na.Entities = append(na.Entities, sentinel.NewEntity{Kind: "Account", Properties: map[string]any{
				"accountName": name, "upnSuffix": sfx, "aadUserId": e.ObjectID, "displayName": e.DisplayName}})
			if na.CompromisedEntity == "" {
				na.CompromisedEntity = e.UPN
			}
		case EntityIP:
			na.Entities = append(na.Entities, sentinel.NewEntity{Kind: "Ip", Properties: map[string]any{"address": e.Address}})
		case EntityResource:
			na.Entities = append(na.Entities, sentinel.NewEntity{Kind: "AzureResource", Properties: map[string]any{
				"resourceId": e.ResourceID, "subscriptionId": subscriptionOf(e.ResourceID)}})
		}
	}
	ent, err := sentinel.CreateAlert(tx, ws, na)
	if err != nil {
		return ent, fmt.Errorf("xdr: mirror alert %s: %w", a.ID, err)
	}
	return ent, nil
}

func productOf(serviceSource string) product {
	for _, p := range products {
		if p.ServiceSource == serviceSource {
			return p
		}
	}
	return sentinelProduct
}

func nonEmpty(s string) []string {
	if s == "" {
		return []string{}
	}
	return []string{s}
}

func subscriptionOf(id string) string {
	parts := strings.Split(id, "/")
	if len(parts) > 2 {
		return parts[2]
	}
	return ""
}
