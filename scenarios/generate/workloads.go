package generate

import (
	"slices"
	"time"

	"github.com/brianvoe/gofakeit/v7"
)

// spResources are the resources a workload identity asks tokens for, by what it does.
var spResources = map[string][2]string{
	"keyvault": {"Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"},
	"storage":  {"Azure Storage", "e406a681-f3d4-42a8-90b6-c2b029497af1"},
	"graph":    {"Microsoft Graph", "00000003-0000-0000-c000-000000000000"},
}

// spSignIn writes one AADServicePrincipalSignInLogs row: sp obtained a token for resource with
// its client secret from ip.
func (g *gen) spSignIn(b *batch, f *gofakeit.Faker, sp *ServicePrincipal, at time.Time, ip, resource string, meta RowMeta) {
	res := spResources[resource]
	loc := "{}"
	country := ""
	if pl, ok := g.cast.PlaceOf(ip); ok {
		loc, country = g.sh.places[pl].location.json, pl.Country
	}
	id := uuidFrom(f)
	r := g.tables[tSPSignin].newRow().
		set("AppId", sp.AppID).set("AuthenticationContextClassReferences", "[]").
		set("AuthenticationProcessingDetails", `[{"key":"Azure AD App Authentication Library","value":"Family: MSAL Library: MSAL.NET 4.66.2.0 Platform: .NET"}]`).
		set("_BilledSize", float64(1900+f.IntN(500))).set("Category", "ServicePrincipalSignInLogs").
		set("ConditionalAccessPolicies", "[]").set("ConditionalAccessStatus", "notApplied").set("CorrelationId", uuidFrom(f)).
		set("DurationMs", int64(0)).set("Id", id).set("Identity", sp.Name).set("IPAddress", ip).set("_IsBillable", "True").
		set("Level", "4").set("Location", country).set("LocationDetails", loc).set("OperationName", "Sign-in activity").
		set("OperationVersion", "1.0").set("ResourceDisplayName", res[0]).set("ResourceGroup", "Microsoft.aadiam").
		set("ResourceIdentity", res[1]).set("ResourceServicePrincipalId", nameUUID("resource-sp", res[1])).
		set("ResultSignature", "SUCCESS").set("ResultType", "0").
		set("ServicePrincipalCredentialKeyId", nameUUID("sp-secret", sp.Name)).
		set("ServicePrincipalId", sp.ObjectID).set("ServicePrincipalName", sp.Name).set("SourceSystem", "Azure AD").
		set("TenantId", g.p.WorkspaceID).set("TimeGenerated", at).set("Type", "AADServicePrincipalSignInLogs").
		set("UniqueTokenIdentifier", randToken(f))
	b.emit(tSPSignin, r, withSource(meta, SourceEntraServicePrincipal, at))
}

// spTokens writes a workload identity's token requests over the generated days: one per
// resource it uses about every 75 minutes (a token lives 60-90 minutes).
func (g *gen) spTokens(b *batch, f *gofakeit.Faker, sp *ServicePrincipal) {
	var resources []string
	if sp.KeyVault != "" {
		resources = append(resources, "keyvault")
	}
	if sp.StorageAccount != "" {
		resources = append(resources, "storage")
	}
	for _, res := range resources {
		for t := g.start.Add(time.Duration(f.IntN(3600)) * time.Second); t.Before(g.end); t = t.Add(time.Duration(4200+f.IntN(1200)) * time.Second) {
			g.spSignIn(b, f, sp, t, sp.IP, res, RowMeta{})
		}
	}
}

// peerAnalytics writes UEBA's UserPeerAnalytics: every week, each user's closest peers ranked
// (colleagues of the same department first, then those sharing the most groups).
func (g *gen) peerAnalytics(b *batch) {
	f := newFaker(g.p.Seed, "peers")
	const top = 8
	for d := 0; d < g.p.Days; d += 7 {
		at := g.start.AddDate(0, 0, d).Add(4*time.Hour + time.Duration(f.IntN(1800))*time.Second)
		for _, u := range g.cast.Users {
			type peer struct {
				u     *User
				score int
			}
			var peers []peer
			for _, o := range g.cast.Users {
				if o == u {
					continue
				}
				score := 0
				if o.Department == u.Department {
					score += 10
				}
				if o.Manager == u.Manager && u.Manager != "" {
					score += 5
				}
				for _, gr := range o.Groups {
					if slices.Contains(u.Groups, gr) && gr != "All Employees" {
						score += 2
					}
				}
				if score > 0 {
					peers = append(peers, peer{o, score})
				}
			}
			slices.SortStableFunc(peers, func(a, b peer) int { return b.score - a.score })
			for i, p := range peers[:min(top, len(peers))] {
				r := g.tables[tPeers].newRow().set("AADTenantId", g.p.TenantID).set("_BilledSize", float64(420+f.IntN(80))).
					set("_IsBillable", "True").set("PeerUserId", p.u.ObjectID).set("PeerUserName", p.u.DisplayName).
					set("PeerUserPrincipalName", p.u.UPN).set("Rank", int64(i+1)).set("SourceSystem", "Azure").
					set("TenantId", g.p.WorkspaceID).set("TimeGenerated", at).set("Type", "UserPeerAnalytics").
					set("UserId", u.ObjectID).set("UserName", u.DisplayName).set("UserPrincipalName", u.UPN)
				b.emit(tPeers, r, RowMeta{Time: at, Source: SourceSentinelUEBA})
			}
		}
	}
}
