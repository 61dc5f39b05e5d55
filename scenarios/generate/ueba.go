package generate

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// countryNames are the SourceIPLocation values UEBA writes for the scenario's countries.
var countryNames = map[string]string{
	"US": "United States", "GB": "United Kingdom", "PL": "Poland", "NL": "Netherlands", "RO": "Romania",
}

// uebaEvent is one raw event UEBA analyses: an interactive sign-in, a directory change made by
// a user, or a user's Azure operation.
type uebaEvent struct {
	at                   time.Time
	meta                 RowMeta
	table, recordID      string
	user                 *User
	ip, app, browser     string
	device               string
	action, activityType string
	target, resource     string
	resourceID           string
	succeeded            bool
	highRisk             bool
}

// uebaBaseline is what UEBA has seen of one scope (a user, a peer group, the tenant), per
// dimension (country, isp, app, browser, device, action, resource).
type uebaBaseline map[string]map[string]bool

func (b uebaBaseline) has(dim, v string) bool { return b[dim][v] }

func (b uebaBaseline) add(dim, v string) {
	if b[dim] == nil {
		b[dim] = map[string]bool{}
	}
	b[dim][v] = true
}

// behaviorAnalytics derives Sentinel UEBA's BehaviorAnalytics rows from the sources UEBA reads
// (learn.microsoft.com/azure/sentinel/ueba-reference): interactive sign-ins (ActivityType LogOn,
// or FailedLogOn), Entra audit events of the user and role management categories and Azure
// activity (one row per completed operation), in time order. Each user, peer group (department)
// and the tenant start from a baseline, as if UEBA had learned months of history (home and
// office networks, the profile's apps, the user's devices); an event outside what the scope has
// shown sets the insight (FirstTimeUserConnectedFromCountry, CountryUncommonlyConnectedFromAmongPeers,
// FirstTimeConnectionFromCountryObservedInTenant...), and InvestigationPriority counts them.
// SourceRecordId is the raw record's _ItemId (ItemID), which UEBA rules join on.
func (g *gen) behaviorAnalytics(t *Telemetry) {
	out := t.tables["BehaviorAnalytics"]
	events := g.uebaEvents(t)
	ti := tiByIP(t.tables["ThreatIntelligenceIndicator"])
	users, peers, tenant := map[string]uebaBaseline{}, map[string]uebaBaseline{}, uebaBaseline{}
	for _, u := range g.cast.Users {
		peer := peers[u.Department]
		if peer == nil {
			peer = uebaBaseline{}
			peers[u.Department] = peer
		}
		b := uebaBaseline{}
		for _, pl := range []*scenario.Place{u.Home, u.Office} {
			for _, s := range []uebaBaseline{b, peer, tenant} {
				s.add("country", pl.Country)
				s.add("isp", pl.ISP)
			}
		}
		for _, a := range u.Profile.Apps {
			b.add("app", a)
			tenant.add("app", a)
		}
		for _, d := range u.Devices {
			b.add("browser", d.Browser)
			b.add("device", d.Name)
			tenant.add("browser", d.Browser)
		}
		users[u.UPN] = b
	}
	for _, e := range events {
		pl, _ := g.cast.PlaceOf(e.ip)
		country, isp := "", ""
		if pl != nil {
			country, isp = pl.Country, pl.ISP
		}
		b, peer := users[e.user.UPN], peers[e.user.Department]
		insights := map[string]any{}
		flag := func(dim, v, user, peers, inTenant string) {
			if v == "" {
				return
			}
			if user != "" {
				insights[user] = !b.has(dim, v)
			}
			if peers != "" {
				insights[peers] = !peer.has(dim, v)
			}
			if inTenant != "" {
				insights[inTenant] = !tenant.has(dim, v)
			}
		}
		flag("country", country, "FirstTimeUserConnectedFromCountry", "CountryUncommonlyConnectedFromAmongPeers", "FirstTimeConnectionFromCountryObservedInTenant")
		flag("isp", isp, "FirstTimeUserConnectedViaISP", "ISPUncommonlyUsedAmongPeers", "FirstTimeConnectionViaISPInTenant")
		if e.table == "SigninLogs" {
			flag("app", e.app, "FirstTimeUserUsedApp", "AppUncommonlyUsedAmongPeers", "FirstTimeAppObservedInTenant")
			flag("browser", e.browser, "FirstTimeUserConnectedViaBrowser", "BrowserUncommonlyUsedAmongPeers", "FirstTimeConnectionViaBrowserObservedInTenant")
			insights["UnusualNumberOfAADConditionalAccessFailures"] = false
		} else {
			flag("action", e.action, "FirstTimeUserPerformedAction", "ActionUncommonlyPerformedAmongPeers", "FirstTimeActionPerformedInTenant")
			flag("resource", e.resource, "FirstTimeUserAccessedResource", "ResourceUncommonlyAccessedAmongPeers", "FirstTimeResourceAccessedInTenant")
		}
		priority := int64(0)
		for _, v := range insights {
			if v == true {
				priority++
			}
		}
		priority = min(priority*2/3+b2i(e.highRisk)*2, 10)
		if e.succeeded {
			// Only what succeeded teaches UEBA what is normal.
			for _, s := range []uebaBaseline{b, peer, tenant} {
				for dim, v := range map[string]string{"country": country, "isp": isp, "app": e.app, "browser": e.browser,
					"device": e.device, "action": e.action, "resource": e.resource} {
					if v != "" {
						s.add(dim, v)
					}
				}
			}
		}
		local, _, _ := strings.Cut(e.user.UPN, "@")
		devices := map[string]any{"ISP": isp, "ThreatIntelIndicatorType": nil, "ThreatIntelIndicatorDescription": nil}
		if e.browser != "" {
			devices["Browser"] = e.browser
		}
		if ind, ok := ti[e.ip]; ok {
			devices["ThreatIntelIndicatorType"], devices["ThreatIntelIndicatorDescription"] = ind[0], ind[1]
		}
		eventSource := "Azure AD"
		if e.table == "AzureActivity" {
			eventSource = "AzureActivity"
		}
		r := out.newRow().
			set("ActionType", e.action).set("ActivityInsights", insights).set("ActivityType", e.activityType).
			set("ActorName", e.user.DisplayName).set("ActorPrincipalName", e.user.UPN).set("_BilledSize", float64(1500+len(e.ip)+len(e.target))).
			set("Device", e.device).set("DevicesInsights", devices).
			set("EventProductVersion", "1.0").set("EventSource", eventSource).set("EventVendor", "Microsoft").
			set("InvestigationPriority", priority).set("_IsBillable", "True").set("NativeTableName", e.table).
			set("SourceDevice", e.device).set("SourceIPAddress", e.ip).set("SourceIPLocation", countryNames[country]).
			set("SourceRecordId", ItemID(e.table, e.recordID)).set("SourceSystem", "Azure").set("TargetName", e.target).
			set("TenantId", g.p.WorkspaceID).set("TimeGenerated", e.at).
			set("TimeProcessed", e.at.Add(17*time.Minute).Truncate(time.Minute)).set("Type", "BehaviorAnalytics").
			set("UserName", local).set("UserPrincipalName", e.user.UPN).
			set("UsersInsights", map[string]any{"AccountDisplayName": e.user.DisplayName, "AccountObjectID": e.user.ObjectID,
				"IsDormantAccount": false, "IsNewAccount": false, "BlastRadius": blastRadius(e.user)})
		if e.resourceID != "" {
			r.set("_ResourceId", e.resourceID).set("_SubscriptionId", g.p.SubscriptionID)
		}
		if e.table == "AuditLogs" {
			r.set("TargetPrincipalName", e.target)
		}
		out.Rows = append(out.Rows, r.vals)
		meta := e.meta
		meta.Source = SourceSentinelUEBA
		out.Meta = append(out.Meta, meta)
	}
}

// uebaEvents collects the events UEBA analyses from the generated tables, in time order (ties
// keep the order sign-ins, audit, activity).
func (g *gen) uebaEvents(t *Telemetry) []uebaEvent {
	var events []uebaEvent
	str := func(tb *Table, row []any, col string) string { s, _ := row[tb.Col(col)].(string); return s }
	if tb := t.tables["SigninLogs"]; tb != nil {
		for i, row := range tb.Rows {
			u, ok := g.cast.User(str(tb, row, "UserPrincipalName"))
			if !ok {
				continue
			}
			dev, _ := row[tb.Col("DeviceDetail")].(map[string]any)
			browser, _ := dev["browser"].(string)
			device, _ := dev["displayName"].(string)
			ok = str(tb, row, "ResultType") == "0"
			activity := "LogOn"
			if !ok {
				activity = "FailedLogOn"
			}
			events = append(events, uebaEvent{at: tb.Meta[i].Time, meta: tb.Meta[i], table: tb.Name, recordID: str(tb, row, "Id"),
				user: u, ip: str(tb, row, "IPAddress"), app: str(tb, row, "AppDisplayName"), browser: browser, device: device,
				action: "Sign-in", activityType: activity, target: str(tb, row, "AppDisplayName"), succeeded: ok,
				highRisk: str(tb, row, "RiskLevelDuringSignIn") == "high"})
		}
	}
	if tb := t.tables["AuditLogs"]; tb != nil {
		for i, row := range tb.Rows {
			by, _ := row[tb.Col("InitiatedBy")].(map[string]any)
			actor, _ := by["user"].(map[string]any)
			upn, _ := actor["userPrincipalName"].(string)
			u, ok := g.cast.User(upn)
			if !ok {
				continue
			}
			ip, _ := actor["ipAddress"].(string)
			target := ""
			if targets, _ := row[tb.Col("TargetResources")].([]any); len(targets) > 0 {
				t0, _ := targets[0].(map[string]any)
				if target, _ = t0["userPrincipalName"].(string); target == "" {
					target, _ = t0["displayName"].(string)
				}
			}
			op := str(tb, row, "OperationName")
			events = append(events, uebaEvent{at: tb.Meta[i].Time, meta: tb.Meta[i], table: tb.Name, recordID: str(tb, row, "Id"),
				user: u, ip: ip, action: op, activityType: str(tb, row, "Category"), target: target, resource: "Microsoft Entra ID",
				succeeded: str(tb, row, "Result") == "success"})
		}
	}
	if tb := t.tables["AzureActivity"]; tb != nil {
		for i, row := range tb.Rows {
			status := str(tb, row, "ActivityStatusValue")
			if status != "Success" && status != "Failure" {
				continue // one UEBA event per completed operation
			}
			u, ok := g.cast.User(str(tb, row, "Caller"))
			if !ok {
				continue
			}
			id := str(tb, row, "_ResourceId")
			events = append(events, uebaEvent{at: tb.Meta[i].Time, meta: tb.Meta[i], table: tb.Name, recordID: str(tb, row, "EventDataId"),
				user: u, ip: str(tb, row, "CallerIpAddress"), action: str(tb, row, "OperationName"),
				activityType: uebaActivityType(str(tb, row, "ResourceProviderValue")), target: id[strings.LastIndexByte(id, '/')+1:],
				resource: strings.ToLower(id), resourceID: id, succeeded: status == "Success"})
		}
	}
	slices.SortStableFunc(events, func(a, b uebaEvent) int { return cmp.Compare(a.at.UnixNano(), b.at.UnixNano()) })
	return events
}

// uebaActivityType names an Azure operation's activity by its provider, as the UEBA reference
// groups Azure Activity events (Authorization, Compute, KeyVault, Network, Resources, Sql, Storage...).
func uebaActivityType(provider string) string {
	p := strings.TrimPrefix(strings.ToUpper(provider), "MICROSOFT.")
	switch p {
	case "AUTHORIZATION":
		return "Authorization"
	case "COMPUTE":
		return "Compute"
	case "KEYVAULT":
		return "KeyVault"
	case "NETWORK":
		return "Network"
	case "SQL":
		return "Sql"
	case "STORAGE":
		return "Storage"
	case "LOGIC":
		return "Logic"
	}
	return "Resources"
}

// tiByIP maps each IP of a live NetworkIP indicator to its ThreatType and Description.
func tiByIP(ti *Table) map[string][2]string {
	out := map[string][2]string{}
	if ti == nil {
		return out
	}
	ip, typ, desc, active := ti.Col("NetworkIP"), ti.Col("ThreatType"), ti.Col("Description"), ti.Col("Active")
	for _, row := range ti.Rows {
		if a, _ := row[ip].(string); a != "" && row[active] == true {
			t, _ := row[typ].(string)
			d, _ := row[desc].(string)
			out[a] = [2]string{t, d}
		}
	}
	return out
}

// blastRadius is UEBA's estimate of what a compromise of the user exposes.
func blastRadius(u *User) string {
	switch {
	case len(u.DirectoryRoles) > 0:
		return "High"
	case len(u.AzureRoles) > 0:
		return "Medium"
	}
	return "Low"
}
