package generate

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"time"

	"github.com/soclab/soclab/scenarios/scenario"
)

// AlertID is the stable id of a scenario alert: the Defender product's prefix and a hash of the
// tenant, product, title and time, so the simulator's Defender alerts can carry the same id.
func AlertID(tenantID string, e *scenario.Event) string {
	sum := sha1.Sum([]byte(tenantID + "|" + e.Service + "|" + e.Title + "|" + e.At.UTC().Format(time.RFC3339)))
	return scenario.AlertServices[e.Service] + hex.EncodeToString(sum[:16])
}

// emitAlert writes a Defender product's own alert: one AlertInfo row and one AlertEvidence row per
// entity (the user, each IP, each resource).
func (g *gen) emitAlert(b *batch, e *scenario.Event, meta RowMeta) {
	id := AlertID(g.p.TenantID, e)
	step := meta.Step
	technique := ""
	if st, ok := g.s.Step(step); ok {
		technique = `["` + scenario.MitreTechniques[st.Technique] + " (" + st.Technique + `)"]`
	}
	categories := `["` + e.Category + `"]`
	info := g.tables[tAlertInfo].newRow().
		set("Timestamp", e.At).set("AlertId", id).set("Title", e.Title).set("Category", e.Category).
		set("Severity", e.Severity).set("ServiceSource", e.Service).set("DetectionSource", e.Service).
		set("AttackTechniques", technique)
	b.emit(tAlertInfo, info, withSource(meta, SourceDefenderXDR, e.At))
	evidence := func() row {
		return g.tables[tAlertEvidence].newRow().
			set("Timestamp", e.At).set("AlertId", id).set("Title", e.Title).set("Categories", categories).
			set("AttackTechniques", technique).set("ServiceSource", e.Service).set("DetectionSource", e.Service).
			set("Severity", e.Severity)
	}
	if u, ok := g.cast.User(e.User + "@" + g.p.TenantDomain); ok && e.User != "" {
		local, domain, _ := strings.Cut(u.UPN, "@")
		r := evidence().set("EntityType", "User").set("EvidenceRole", "Impacted").set("AccountName", local).
			set("AccountDomain", domain).set("AccountObjectId", u.ObjectID).set("AccountUpn", u.UPN).
			set("AdditionalFields", jsonString(map[string]any{"Type": "account", "Role": int64(1), "Name": local,
				"UPNSuffix": domain, "AadUserId": u.ObjectID, "DisplayName": u.DisplayName}))
		b.emit(tAlertEvidence, r, withSource(meta, SourceDefenderXDR, e.At))
	}
	ips := e.IPs
	if e.IP != "" {
		ips = append([]string{e.IP}, ips...)
	}
	for _, ip := range ips {
		pl, _ := g.cast.PlaceOf(ip)
		r := evidence().set("EntityType", "Ip").set("EvidenceRole", "Related").set("RemoteIP", ip).
			set("AdditionalFields", jsonString(map[string]any{"Type": "ip", "Address": ip,
				"Location": map[string]any{"CountryCode": pl.Country, "City": pl.City, "Asn": int64(pl.ASN), "Carrier": pl.ISP}}))
		b.emit(tAlertEvidence, r, withSource(meta, SourceDefenderXDR, e.At))
	}
	for _, name := range e.Resources {
		res := g.res[name]
		r := evidence().set("EntityType", "CloudResource").set("EvidenceRole", "Impacted").set("CloudResource", res.Name).
			set("CloudPlatform", "Azure").set("ResourceType", res.Type).set("ResourceID", res.ID).
			set("SubscriptionId", g.p.SubscriptionID).set("Application", "Microsoft Azure").set("ApplicationId", int64(12260)).
			set("AdditionalFields", jsonString(map[string]any{"Type": "azure-resource", "ResourceId": res.ID}))
		b.emit(tAlertEvidence, r, withSource(meta, SourceDefenderXDR, e.At))
	}
}
