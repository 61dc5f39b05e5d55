package generate

import (
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// countryNames are the SourceIPLocation values UEBA writes for the scenario's countries.
var countryNames = map[string]string{
	"US": "United States", "GB": "United Kingdom", "PL": "Poland", "NL": "Netherlands", "RO": "Romania",
}

// behaviorAnalytics derives Sentinel UEBA's BehaviorAnalytics rows from the interactive sign-ins,
// in time order. Each user starts from a baseline (home and office networks, the profile's apps,
// the user's devices), as if UEBA had learned months of history; a sign-in from a country, ISP,
// app or browser outside what the user (or the user's department) has shown is flagged, and
// InvestigationPriority counts the flags.
func (g *gen) behaviorAnalytics(signins *Table, out *Table) {
	type seen = map[string]bool
	users := map[string]map[string]seen{}
	peers := map[string]seen{}
	baseline := func(u *User) map[string]seen {
		if b, ok := users[u.UPN]; ok {
			return b
		}
		b := map[string]seen{"country": {}, "isp": {}, "app": {}, "browser": {}}
		for _, pl := range []*scenario.Place{u.Home, u.Office} {
			b["country"][pl.Country], b["isp"][pl.ISP] = true, true
			peerSet(peers, u.Department)[pl.Country] = true
		}
		for _, a := range u.Profile.Apps {
			b["app"][a] = true
		}
		for _, d := range u.Devices {
			b["browser"][d.Browser] = true
		}
		users[u.UPN] = b
		return b
	}
	col := func(row []any, name string) string { s, _ := row[signins.Col(name)].(string); return s }
	for i, row := range signins.Rows {
		u, ok := g.cast.User(col(row, "UserPrincipalName"))
		if !ok {
			continue
		}
		ip := col(row, "IPAddress")
		pl, _ := g.cast.PlaceOf(ip)
		dev, _ := row[signins.Col("DeviceDetail")].(map[string]any)
		browser, _ := dev["browser"].(string)
		deviceName, _ := dev["displayName"].(string)
		app := col(row, "AppDisplayName")
		b := baseline(u)
		peer := peerSet(peers, u.Department)
		insights := map[string]any{
			"FirstTimeUserConnectedFromCountry":           !b["country"][pl.Country],
			"CountryUncommonlyConnectedFromAmongPeers":    !peer[pl.Country],
			"FirstTimeUserConnectedViaISP":                !b["isp"][pl.ISP],
			"FirstTimeUserUsedApp":                        !b["app"][app],
			"FirstTimeUserConnectedViaBrowser":            !b["browser"][browser],
			"UnusualNumberOfAADConditionalAccessFailures": false,
		}
		priority := int64(0)
		for _, v := range insights {
			if v == true {
				priority += 2
			}
		}
		if col(row, "RiskLevelDuringSignIn") == "high" {
			priority += 2
		}
		priority = min(priority, 10)
		if col(row, "ResultType") == "0" {
			// Only successful sign-ins teach UEBA what is normal.
			b["country"][pl.Country], b["isp"][pl.ISP], b["app"][app], b["browser"][browser] = true, true, true, true
			peer[pl.Country] = true
		}
		at := signins.Meta[i].Time
		local, _, _ := strings.Cut(u.UPN, "@")
		r := out.newRow().
			set("ActionType", "Sign-in").set("ActivityInsights", insights).set("ActivityType", "LogOn").
			set("ActorName", u.DisplayName).set("ActorPrincipalName", u.UPN).set("_BilledSize", float64(1500+len(ip))).
			set("Device", deviceName).
			set("DevicesInsights", map[string]any{"ISP": pl.ISP, "ThreatIntelIndicatorType": nil, "Browser": browser}).
			set("EventProductVersion", "1.0").set("EventSource", "Azure AD").set("EventVendor", "Microsoft").
			set("InvestigationPriority", priority).set("_IsBillable", "True").set("NativeTableName", "SigninLogs").
			set("SourceDevice", deviceName).set("SourceIPAddress", ip).set("SourceIPLocation", countryNames[pl.Country]).
			set("SourceRecordId", col(row, "Id")).set("SourceSystem", "Azure").set("TargetName", app).
			set("TenantId", g.p.WorkspaceID).set("TimeGenerated", at).
			set("TimeProcessed", at.Add(17*time.Minute).Truncate(time.Minute)).set("Type", "BehaviorAnalytics").
			set("UserName", local).set("UserPrincipalName", u.UPN).
			set("UsersInsights", map[string]any{"AccountDisplayName": u.DisplayName, "AccountObjectID": u.ObjectID,
				"IsDormantAccount": false, "IsNewAccount": false, "BlastRadius": blastRadius(u)})
		out.Rows = append(out.Rows, r.vals)
		meta := signins.Meta[i]
		meta.Source = SourceSentinelUEBA
		out.Meta = append(out.Meta, meta)
	}
}

func peerSet(peers map[string]map[string]bool, dept string) map[string]bool {
	if peers[dept] == nil {
		peers[dept] = map[string]bool{}
	}
	return peers[dept]
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
